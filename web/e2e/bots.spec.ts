import { test, expect, signIn } from './fixtures';
import { Website, chat, launcher, visit } from './website';

// The story (SPEC CHT-14, CNV-6): a bot greets, asks an email (and
// again when it is not one), offers two buttons that branch, suggests an
// article for the visitor's question, and hands off; meanwhile the chat is
// in Bots, not in anyone's queue.
const salesBot = (steps = 'shop') => ({
  steps: [
    { id: 'hello', kind: 'message', text: `Hi! I am the ${steps} bot.`, next: 'email' },
    { id: 'email', kind: 'ask', text: 'Your email?', field: 'email', retry: 'That is not an email.', next: 'topic' },
    { id: 'topic', kind: 'buttons', text: 'What about?', buttons: [{ label: 'An order', next: 'kb' }, { label: 'Sales', next: 'company' }] },
    { id: 'company', kind: 'ask', text: 'Your company?', field: 'company', next: 'people' },
    { id: 'kb', kind: 'articles', text: 'What is your question?', next: 'people' },
    { id: 'people', kind: 'handoff', text: 'Someone will be with you.' },
  ],
});

test.describe('chat bots', () => {
  test('a visitor on another site meets the bot, is asked again for a bad email, branches, reads an article, then is handed to the routed agent', async ({ browser, parley }) => {
    const site = await new Website(parley.url).start();
    try {
      const inbox = await site.chatIn(parley, 'Bot desk');
      const agent = await parley.user('Bea Bot');
      await parley.api('POST', '/articles', { title: 'Where is my parcel', url: `${site.url}/help/parcel`, body: 'Track the delivery of your parcel.', language: 'en' });
      await parley.api('POST', `/inboxes/${inbox.id}/chat-flows`, { name: 'Shop bot', enabled: true, routing: { rule: 'specific', user_ids: [agent.id] }, bot: salesBot() });

      const visitor = await visit(browser, `${site.url}/shop`);
      await launcher(visitor).click();
      const frame = chat(visitor);
      await frame.getByRole('textbox').fill('Hello');
      await frame.getByRole('button', { name: 'Send' }).click();
      await expect(frame.getByText('Hi! I am the shop bot.')).toBeVisible();
      await expect(frame.getByText('Your email?')).toBeVisible();
      await expect(frame.getByText('Automated assistant').first()).toBeVisible();

      // Before the hand-off: in Bots, counted there, nowhere else.
      const bea = await signIn(browser, parley, agent);
      const nav = bea.getByRole('navigation', { name: 'Inbox' });
      await nav.getByRole('combobox', { name: 'Inbox' }).selectOption({ label: 'Bot desk' });
      await expect(nav.getByRole('link', { name: /^Bots/ })).toContainText('1');
      await expect(nav.getByRole('link', { name: 'All open' })).toHaveText('All open');
      await expect(nav.getByRole('link', { name: 'Unassigned' })).toHaveText('Unassigned');

      await frame.getByRole('textbox').fill('not an email');
      await frame.getByRole('textbox').press('Enter');
      await expect(frame.getByText('That is not an email.')).toBeVisible();
      await frame.getByRole('textbox').fill('lee@bots.example');
      await frame.getByRole('textbox').press('Enter');
      const choices = frame.getByRole('group', { name: 'Choose an answer' });
      await expect(choices.getByRole('button')).toHaveText(['An order', 'Sales']);
      await choices.getByRole('button', { name: 'An order' }).click();
      await expect(frame.getByText('What is your question?')).toBeVisible();
      await expect(choices).toHaveCount(0);
      await frame.getByRole('textbox').fill('Where is my parcel?');
      await frame.getByRole('textbox').press('Enter');
      await expect(frame.getByRole('list', { name: 'Suggested articles' }).getByRole('link', { name: 'Where is my parcel' })).toHaveAttribute('href', `${site.url}/help/parcel`);
      await choices.getByRole('button', { name: 'Talk to someone' }).click();
      await expect(frame.getByText('Someone will be with you.')).toBeVisible();

      // Handed off: Bea's, out of Bots, with the bot's part in the thread.
      await expect(nav.getByRole('link', { name: /^Bots/ })).toHaveCount(0);
      await nav.getByRole('link', { name: /^Assigned to me/ }).click();
      await bea.getByRole('link', { name: /Hello/ }).first().click();
      const thread = bea.getByRole('region', { name: 'Conversation' });
      await expect(thread.getByText('The bot handed the chat to the team at “people”: the visitor asked to talk to someone at “kb”')).toBeVisible();
      await expect(thread.getByRole('listitem', { name: 'Reply from Bot' }).first()).toBeVisible();
      await expect(thread.getByRole('link', { name: 'Where is my parcel' })).toBeVisible();
      await expect(bea.getByRole('button', { name: 'Take over' })).toHaveCount(0);
      await expect(bea.getByText('lee@bots.example').first()).toBeVisible();
    } finally {
      await site.close();
    }
  });

  test('an agent takes a chat over from the bot; closing one too early says how long to wait', async ({ browser, parley }) => {
    const site = await new Website(parley.url).start();
    try {
      const inbox = await site.chatIn(parley, 'Takeover desk');
      await parley.api('POST', `/inboxes/${inbox.id}/chat-flows`, { name: 'Takeover bot', enabled: true, bot: salesBot('takeover') });
      const visitor = await visit(browser, `${site.url}/`, 'fr-FR');
      await launcher(visitor).click();
      const frame = chat(visitor);
      await frame.getByRole('textbox').fill('Bonjour, une question');
      await frame.getByRole('textbox').press('Enter');
      await expect(frame.getByText('Your email?')).toBeVisible();
      await expect(frame.getByText('Assistant automatique').first()).toBeVisible();

      const agent = await signIn(browser, parley, await parley.user('Theo Takeover'));
      const nav = agent.getByRole('navigation', { name: 'Inbox' });
      await nav.getByRole('combobox', { name: 'Inbox' }).selectOption({ label: 'Takeover desk' });
      await nav.getByRole('link', { name: /^Bots/ }).click();
      await agent.getByRole('link', { name: /Bonjour, une question/ }).first().click();
      await agent.getByRole('button', { name: 'Close' }).click();
      await expect(agent.getByText(/still talking with the bot: you can close this chat in (30|29) min/)).toBeVisible();

      await agent.getByRole('button', { name: 'Take over' }).click();
      await expect(agent.getByRole('combobox', { name: 'Assign' })).toHaveValue(/\d+/);
      await expect(agent.getByRole('button', { name: 'Take over' })).toHaveCount(0);
      await expect(agent.getByText('Theo Takeover took the chat over from the bot')).toBeVisible();
      await expect(nav.getByRole('link', { name: /^Bots/ })).toHaveCount(0);
      // The bot says nothing more; the agent answers.
      await frame.getByRole('textbox').fill('lee@takeover.example');
      await frame.getByRole('textbox').press('Enter');
      await agent.getByRole('textbox', { name: 'Your reply' }).fill('Je m’en occupe.');
      await agent.getByRole('button', { name: /^Send/ }).click();
      await expect(frame.getByText('Je m’en occupe.')).toBeVisible();
      await expect(frame.getByText('What about?')).toHaveCount(0);
    } finally {
      await site.close();
    }
  });

  test('an admin builds a bot in the flow form: a readable flow, a preview, and a step with no way out refused by name', async ({ browser, parley }) => {
    const inbox = await parley.inbox('Builder desk');
    await parley.api('POST', `/inboxes/${inbox.id}/channels`, { kind: 'chat', name: 'Builder chat', config: { allowed_origins: ['https://builder.example'] } });
    const admin = await signIn(browser, parley, await parley.user('Ada Builder', 'admin'));
    await admin.goto('/settings/chat');
    await admin.getByRole('combobox', { name: 'Inbox' }).last().selectOption({ label: 'Builder desk' });
    await admin.getByRole('button', { name: 'Add a chat flow' }).click();
    const form = admin.getByRole('form', { name: 'Add a chat flow' });
    await form.getByLabel('Name', { exact: true }).fill('With a bot');
    await form.getByLabel('A bot answers first').check();
    const steps = form.getByRole('listitem', { name: /^Step \d/ });
    await expect(steps).toHaveCount(3);
    await expect(steps.nth(1)).toContainText('Asks for the email, checks it and saves it on the contact, then goes to “people”.');
    const preview = admin.getByRole('figure', { name: 'Preview' });
    await expect(preview.getByText('Hi! I can help you while the team gets ready.')).toBeVisible();

    // A buttons step after the greeting, one button back to itself's way out.
    await form.getByRole('combobox', { name: 'Kind of the new step' }).selectOption('buttons');
    await form.getByRole('button', { name: 'Add a step' }).click();
    const added = steps.nth(3);
    await added.getByLabel('Step name').fill('topic');
    await added.getByLabel('What the bot says').fill('What about?');
    await added.getByRole('textbox', { name: 'Button 1' }).fill('Billing');
    await added.getByRole('combobox', { name: 'Button 1 goes to' }).selectOption('topic');
    await steps.nth(0).getByRole('combobox', { name: 'Then' }).selectOption('topic');
    await expect(steps.nth(3)).toContainText('Offers buttons: Billing → “topic”.');
    await expect(preview.getByText('What about?')).toBeVisible();
    await expect(preview.getByText('Billing')).toBeVisible();
    await form.getByRole('button', { name: 'Add a chat flow' }).click();
    await expect(admin.getByText('Step 1 of the bot never leads to a hand-off or an end')).toBeVisible();

    await added.getByRole('combobox', { name: 'Button 1 goes to' }).selectOption('people');
    await form.getByRole('button', { name: 'Add a chat flow' }).click();
    await expect(admin.getByRole('listitem', { name: 'With a bot' })).toBeVisible();
    const flows = await parley.api('GET', `/inboxes/${inbox.id}/chat-flows`);
    const bot = flows.items.find((f: { name: string }) => f.name === 'With a bot').bot;
    expect(bot.steps.map((s: { id: string }) => s.id)).toEqual(['hello', 'email', 'people', 'topic']);
    expect(bot.steps[0].next).toBe('topic');
  });
});
