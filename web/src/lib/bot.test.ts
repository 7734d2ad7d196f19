import { describe, expect, it } from 'vitest';
import { clean, newStep, opening, starter, type Bot } from './bot';

describe('chat bots as their settings edit them', () => {
  it('a new step has a name no step has', () => {
    const b = starter('Hi', 'Email?', 'Bye');
    b.steps!.push({ id: 'step-4', kind: 'end' });
    expect(newStep(b, 'buttons')).toMatchObject({ id: 'step-5', kind: 'buttons', buttons: [{ label: '', next: '' }] });
    expect(newStep(b, 'ask').field).toBe('name');
  });

  it('sends each step with only what its kind uses', () => {
    const b: Bot = {
      steps: [
        { id: ' hello ', kind: 'message', text: 'Hi', next: 'pick', field: 'email', buttons: [{ label: 'x', next: 'y' }], timeout_minutes: 5, timeout_next: 'end' },
        { id: 'pick', kind: 'buttons', text: 'Which?', buttons: [{ label: 'A', next: 'end' }], next: 'stale', retry: ' ', timeout_minutes: 0 },
        { id: 'ask', kind: 'ask', text: 'Name?', field: 'name', next: 'end', timeout_minutes: 3, timeout_next: 'end', retry: 'Again' },
        { id: 'end', kind: 'end', text: '', next: 'hello' },
      ],
    };
    expect(clean(b).steps).toEqual([
      { id: 'hello', kind: 'message', text: 'Hi', next: 'pick' },
      { id: 'pick', kind: 'buttons', text: 'Which?', buttons: [{ label: 'A', next: 'end' }] },
      { id: 'ask', kind: 'ask', text: 'Name?', field: 'name', next: 'end', retry: 'Again', timeout_minutes: 3, timeout_next: 'end' },
      { id: 'end', kind: 'end' },
    ]);
  });

  it('previews what the bot says until the visitor must answer', () => {
    const b: Bot = {
      steps: [
        { id: 'a', kind: 'message', text: 'Hi', next: 'b' },
        { id: 'b', kind: 'message', text: '', next: 'c' },
        { id: 'c', kind: 'buttons', text: 'Which?', buttons: [{ label: 'Sales', next: 'd' }, { label: '', next: 'd' }] },
        { id: 'd', kind: 'handoff', text: 'Never shown' },
      ],
    };
    expect(opening(b)).toEqual([{ text: 'Hi', buttons: [] }, { text: 'Which?', buttons: ['Sales'] }]);
    expect(opening(undefined)).toEqual([]);
    // A loop of messages stops rather than running on.
    expect(opening({ steps: [{ id: 'a', kind: 'message', text: 'A', next: 'a' }] })).toEqual([
      { text: 'A', buttons: [] },
      { text: 'A', buttons: [] },
    ]);
  });
});
