import { spawnSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * deploy/k8s parses and follows the rules a platform team checks first. YAML is read with PyYAML (installed
 * with docker-compose) to avoid a JavaScript YAML dependency for one test; skipped where it is missing.
 */
const DIR = join(__dirname, '..', '..', 'deploy', 'k8s');
const hasPyYaml = spawnSync('python3', ['-c', 'import yaml'], { stdio: 'ignore' }).status === 0;

type Doc = { kind: string; metadata: { name: string }; spec?: any; resources?: string[] };
const load = (file: string): Doc[] => {
  const r = spawnSync('python3', ['-c', 'import yaml,json,sys; print(json.dumps([d for d in yaml.safe_load_all(open(sys.argv[1])) if d]))', join(DIR, file)], {
    encoding: 'utf8',
  });
  if (r.status !== 0) throw new Error(`${file}: ${r.stderr}`);
  return JSON.parse(r.stdout) as Doc[];
};

describe.skipIf(!hasPyYaml)('Kubernetes manifests', () => {
  const files = readdirSync(DIR).filter((f) => f.endsWith('.yaml'));
  const docs = files.flatMap((f) => load(f).map((d) => ({ file: f, ...d })));

  it('parse, and the kustomization lists every manifest but the example secret', () => {
    const kustomization = docs.find((d) => d.kind === 'Kustomization')!;
    expect([...kustomization.resources!].sort()).toEqual(files.filter((f) => !['kustomization.yaml', 'secret.example.yaml'].includes(f)).sort());
  });

  it('run every workload non-root, read-only, without privilege escalation, with resource requests', () => {
    const workloads = docs.filter((d) => d.kind === 'Deployment' || d.kind === 'Job');
    expect(workloads.map((w) => w.metadata.name).sort()).toEqual(['atrium-api', 'atrium-migrate', 'atrium-shell', 'atrium-worker']);
    for (const w of workloads) {
      const pod = w.spec.template.spec;
      expect(pod.securityContext.runAsNonRoot, w.metadata.name).toBe(true);
      for (const c of pod.containers) {
        expect(c.securityContext, `${w.metadata.name}/${c.name}`).toMatchObject({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true });
        expect(c.resources.requests, `${w.metadata.name}/${c.name}`).toBeDefined();
      }
    }
  });

  it('gives the API readiness on /ready, a drain window longer than the app grace period, and a disruption budget', () => {
    const api = docs.find((d) => d.kind === 'Deployment' && d.metadata.name === 'atrium-api')!;
    const pod = api.spec.template.spec;
    expect(pod.containers[0].readinessProbe.httpGet.path).toBe('/ready');
    const config = docs.find((d) => d.kind === 'ConfigMap') as unknown as { data: Record<string, string> };
    expect(pod.terminationGracePeriodSeconds * 1000).toBeGreaterThan(Number(config.data.SHUTDOWN_GRACE_MS));
    expect(docs.some((d) => d.kind === 'PodDisruptionBudget' && d.metadata.name === 'atrium-api')).toBe(true);
    expect(readFileSync(join(DIR, 'ingress.yaml'), 'utf8')).not.toMatch(/path: \/metrics/);
  });
});
