import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { attackSetSchema, type AttackSet } from './evals.schema';

export const ATTACK_SETS_DIR = join(dirname(fileURLToPath(import.meta.url)), 'attack-sets');

let cached: AttackSet[] | null = null;

/** The built-in battery: every JSON file in attack-sets/, validated (a malformed file fails loudly at first use). */
export function builtInAttackSets(dir = ATTACK_SETS_DIR): AttackSet[] {
  if (cached && dir === ATTACK_SETS_DIR) return cached;
  const sets = readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => {
      const parsed = attackSetSchema.safeParse(JSON.parse(readFileSync(join(dir, f), 'utf8')));
      if (!parsed.success) throw new Error(`attack set ${f}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
      return parsed.data;
    });
  const ids = sets.flatMap((s) => s.attacks.map((a) => a.id));
  const duplicate = ids.find((id, i) => ids.indexOf(id) !== i);
  if (duplicate) throw new Error(`attack id ${duplicate} appears twice in the built-in sets`);
  if (dir === ATTACK_SETS_DIR) cached = sets;
  return sets;
}
