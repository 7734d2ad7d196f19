import { test, expect, signIn } from './fixtures';

test.describe('working hours', () => {
  test('a weekly schedule sets me available or away, says a span that ends first, and can be stopped with an undo', async ({ browser, parley }) => {
    const ana = await parley.user('Ana Hours');
    const page = await signIn(browser, parley, ana);
    await page.goto('/settings/profile');
    const card = page.getByRole('form', { name: 'Working hours' });
    await card.getByRole('checkbox', { name: 'Follow a weekly schedule' }).check();
    await card.getByLabel('Time zone').selectOption('Europe/Paris');

    // A span that ends before it starts is said beside it, and not sent.
    await card.getByRole('row', { name: /^Monday/ }).getByRole('button', { name: 'Add hours' }).click();
    await card.getByLabel('Monday: from').fill('18:00');
    await card.getByLabel('Monday: until').fill('09:00');
    await expect(card.getByText('Ends before it starts.')).toBeVisible();
    await expect(card.getByRole('button', { name: 'Save' })).toBeDisabled();

    // Every hour of every day: available now, whatever the time of the run.
    await card.getByLabel('Monday: from').fill('00:00');
    await card.getByLabel('Monday: until').fill('00:00');
    for (const day of ['Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday']) {
      await card.getByRole('row', { name: new RegExp(`^${day}`) }).getByRole('button', { name: 'Add hours' }).click();
      await card.getByLabel(`${day}: from`).fill('00:00');
      await card.getByLabel(`${day}: until`).fill('00:00');
    }
    await card.getByRole('button', { name: 'Save' }).click();
    await expect(page.getByText('Schedule saved: you are available now.')).toBeVisible();
    const toggle = page.getByRole('switch', { name: /Available|Away/ });
    await expect(toggle).toHaveText(/Available/);

    // No hours at all: away now, and the sidebar says so.
    for (const day of ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday']) {
      await card.getByRole('button', { name: `Remove these hours on ${day}` }).click();
    }
    await card.getByRole('button', { name: 'Save' }).click();
    await expect(page.getByText('Schedule saved: you are away now.')).toBeVisible();
    await expect(toggle).toHaveText(/Away/);
    const saved = await (await page.request.get('/api/v1/me/availability-schedule')).json();
    expect(saved).toMatchObject({ time_zone: 'Europe/Paris', hours: [], availability: 'away' });

    // Stopping it is undone from the toast.
    await card.getByRole('checkbox', { name: 'Follow a weekly schedule' }).uncheck();
    await expect(page.getByText('You no longer follow a schedule')).toBeVisible();
    await page.getByRole('button', { name: 'Undo' }).click();
    await expect(card.getByRole('checkbox', { name: 'Follow a weekly schedule' })).toBeChecked();
    await page.reload();
    await expect(page.getByRole('form', { name: 'Working hours' }).getByLabel('Time zone')).toHaveValue('Europe/Paris');
  });
});
