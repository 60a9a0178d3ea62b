import { describe, expect, it } from 'vitest';
import { TopicPolicy } from './safety.schema';
import { detectHumanRequest, detectTopics } from './topics';

describe('human request detection', () => {
  it.each([
    'Can I talk to a human please?',
    'I want to speak with a real person',
    'Ich möchte mit einem Mitarbeiter sprechen',
    'Kann ich bitte mit einem echten Menschen reden?',
    'Je veux parler à un conseiller',
    'Quiero hablar con un agente',
    'Vorrei parlare con un operatore',
    'Quero falar com um atendente',
    'Kan ik met een medewerker spreken?',
  ])('recognises "%s"', (text) => {
    expect(detectHumanRequest(text)).toBe(true);
  });

  it('does not fire on messages that merely mention people', () => {
    expect(detectHumanRequest('The human body has 206 bones')).toBe(false);
    expect(detectHumanRequest('Did a person already pick up my parcel?')).toBe(false);
  });
});

describe('topic policy', () => {
  const policy = TopicPolicy.parse({
    disallowed: [{ id: 'medical', phrases: ['diagnose', 'Medikament'], reply: 'I cannot give medical advice.' }],
    escalate: [{ id: 'cancellation', phrases: ['Kündigung', 'cancel my contract'] }],
  });

  it('matches phrases case- and diacritic-insensitively on word boundaries', () => {
    expect(detectTopics('Ich will die KUNDIGUNG einreichen', policy)).toEqual([{ kind: 'escalate', topicId: 'cancellation', phrase: 'kundigung' }]);
    expect(detectTopics('Can you diagnose this rash?', policy)[0]).toMatchObject({
      kind: 'disallowed',
      topicId: 'medical',
      reply: 'I cannot give medical advice.',
    });
    expect(detectTopics('The diagnoses page is empty', policy)).toEqual([]);
  });

  it('reports a human request unless the tenant turned it off', () => {
    expect(detectTopics('let me talk to an agent', policy).map((t) => t.kind)).toEqual(['human_request']);
    expect(detectTopics('let me talk to an agent', { ...policy, detectHumanRequest: false })).toEqual([]);
  });
});
