import { describe, expect, it } from 'vitest';
import { fill, unfilled } from './tokens';
import { escape } from './highlight';

describe('fill', () => {
  const ctx = { contact: { name: 'Marie Curie', email: 'marie@lab.example' }, agent: { name: 'Ana de la Cruz', meeting_link: 'https://cal.example/ana' } };
  it.each([
    ['Bonjour {{contact.first_name}},', 'Bonjour Marie,'],
    ['{{ contact.name }} <{{contact.email}}>', 'Marie Curie <marie@lab.example>'],
    ['{{agent.first_name}} / {{agent.last_name}} / {{agent.full_name}}', 'Ana / de la Cruz / Ana de la Cruz'],
    ['Book: {{agent.meeting_link}}', 'Book: https://cal.example/ana'],
    ['{{contact.shoe_size}} stays', '{{contact.shoe_size}} stays'],
  ])('%s', (text, want) => {
    expect(fill(text, ctx)).toBe(want);
  });
  it('leaves a token without a value for the agent to see, never blank', () => {
    expect(fill('Hi {{contact.first_name}}!', { contact: null })).toBe('Hi {{contact.first_name}}!');
    expect(fill('Hi {{contact.first_name}}!', { contact: { email: 'jo@x.example' } })).toBe('Hi {{contact.first_name}}!');
  });
  it('lists the tokens left, once each', () => {
    expect(unfilled('<p>Hi {{ contact.first_name }}, {{contact.shoe_size}} {{contact.first_name}}</p>')).toEqual(['{{contact.first_name}}', '{{contact.shoe_size}}']);
    expect(unfilled('Hi Jo')).toEqual([]);
  });
  it('escapes values into HTML', () => {
    expect(fill('<p>{{contact.name}}</p>', { contact: { name: 'A <b>' } }, escape)).toBe('<p>A &lt;b&gt;</p>');
  });
});
