/**
 * The file browser's folders and bulk actions in a real browser against the local cloud:
 * create a folder, upload into it, rename it (copy + delete of every file under it), move a
 * file and a folder, delete a non-empty folder after a confirmation naming the count, then
 * select rows to download and delete them together. What S3 holds is checked with the
 * person's own credentials after each step.
 */
import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import { expect, test, type Page } from '@playwright/test';
import { awsAs, expectAccessible, person, pngBytes, screenshot, section, signUp } from './helpers';

async function keysUnder(page: Page, folder: string): Promise<string[]> {
  const { identityId, s3, bucket } = await awsAs(page);
  const prefix = `private/${identityId}/`;
  const listed = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix + folder }));
  return (listed.Contents ?? []).map((o) => o.Key!.slice(prefix.length)).sort();
}

test('folders: create, upload into, rename, move, delete non-empty; bulk download and delete', async ({ page }) => {
  test.setTimeout(180_000);
  const dora = person('dora', Date.now().toString(36), 5);
  await signUp(page, dora);
  const mine = section(page, 'My files');

  // Create a folder (an empty folder object, as the S3 console makes), then open it and upload two files.
  await mine.getByLabel('New folder').fill('trips');
  await mine.getByRole('button', { name: 'Create folder' }).click();
  await expect(mine.getByText('Created the folder trips.')).toBeVisible();
  await mine.getByRole('button', { name: 'trips', exact: true }).click();
  await mine.getByLabel('Upload files to trips').setInputFiles([
    { name: 'beach.png', mimeType: 'image/png', buffer: await pngBytes(page) },
    { name: 'plan.txt', mimeType: 'text/plain', buffer: Buffer.from('day 1: swim') },
  ]);
  await expect(mine.getByText('Uploaded 2 files.')).toBeVisible();
  await mine.getByRole('button', { name: 'My files', exact: true }).click();
  await mine.getByLabel('Upload files').setInputFiles({ name: 'loose.txt', mimeType: 'text/plain', buffer: Buffer.from('loose') });
  await expect(mine.getByText('Uploaded loose.txt.')).toBeVisible();
  expect(await keysUnder(page, '')).toEqual(['loose.txt', 'trips/', 'trips/beach.png', 'trips/plan.txt']);

  // Rename the folder: every file under it is copied, then the originals removed.
  await mine.getByRole('button', { name: 'Rename folder trips' }).click();
  const name = mine.getByLabel('New name for trips');
  await expect(name).toBeFocused();
  await name.fill('holidays');
  await name.press('Enter');
  await expect(mine.getByText('Renamed trips to holidays (2 files).')).toBeVisible();
  await expect(mine.getByRole('button', { name: 'holidays', exact: true })).toBeVisible();
  expect(await keysUnder(page, '')).toEqual(['holidays/', 'holidays/beach.png', 'holidays/plan.txt', 'loose.txt']);

  // Move a file into the folder, and a new folder into it too.
  await mine.getByLabel('New folder').fill('old');
  await mine.getByLabel('New folder').press('Enter');
  await expect(mine.getByText('Created the folder old.')).toBeVisible();
  await mine.getByRole('checkbox', { name: 'Select loose.txt' }).check();
  await mine.getByRole('checkbox', { name: 'Select folder old' }).check();
  const bulk = mine.getByRole('group', { name: 'Selected items' });
  await expect(bulk).toContainText('2 selected items');
  await bulk.getByLabel('Move to').selectOption({ label: 'holidays' });
  await bulk.getByRole('button', { name: 'Move', exact: true }).click();
  await expect(mine.getByText('Moved 2 items to holidays.')).toBeVisible();
  expect(await keysUnder(page, '')).toEqual(['holidays/', 'holidays/beach.png', 'holidays/loose.txt', 'holidays/old/', 'holidays/plan.txt']);
  await expectAccessible(page, 'files with folders');
  await screenshot(page, 'files-folders');

  // Bulk: select all in the folder, download the files, delete two of them.
  await mine.getByRole('button', { name: 'holidays', exact: true }).click();
  await expect(mine.getByRole('row', { name: /beach\.png/ })).toBeVisible();
  await mine.getByRole('checkbox', { name: 'Select all shown' }).check();
  await expect(bulk).toContainText('4 selected items');
  const downloads: string[] = [];
  page.on('download', (d) => downloads.push(d.suggestedFilename()));
  await bulk.getByRole('button', { name: 'Download selected' }).click();
  await expect.poll(() => downloads.sort()).toEqual(['beach.png', 'loose.txt', 'plan.txt']);
  await mine.getByRole('checkbox', { name: 'Select folder old' }).uncheck();
  await mine.getByRole('checkbox', { name: 'Select beach.png' }).uncheck();
  await bulk.getByRole('button', { name: 'Delete selected' }).click();
  const confirm = mine.getByRole('alertdialog');
  await expect(confirm).toContainText('Delete 2 selected items?');
  await confirm.getByRole('button', { name: 'Delete', exact: true }).click();
  await expect(mine.getByText('Deleted 2 files.')).toBeVisible();
  expect(await keysUnder(page, '')).toEqual(['holidays/', 'holidays/beach.png', 'holidays/old/']);

  // On a phone, a row's actions are a menu: closed, only its "Actions" button shows; opened, focus is on its first item; Escape closes it.
  await page.setViewportSize({ width: 390, height: 844 });
  const toggle = mine.getByRole('button', { name: 'Actions for beach.png' });
  await expect(toggle).toBeVisible();
  await expect(mine.getByRole('button', { name: 'Delete beach.png' })).toBeHidden();
  await toggle.click();
  await expect(toggle).toHaveAttribute('aria-expanded', 'true');
  await expect(mine.getByRole('menuitem', { name: 'Delete beach.png' })).toBeVisible();
  await expect(mine.getByRole('menuitem', { name: 'Rename beach.png' })).toBeVisible();
  await expect(mine.getByRole('menuitem').first()).toBeFocused();
  await page.keyboard.press('Escape');
  await expect(mine.getByRole('menuitem', { name: 'Delete beach.png' })).toBeHidden();
  await expect(toggle).toBeFocused();
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow, 'no horizontal scrolling on a phone').toBeLessThanOrEqual(0);
  await screenshot(page, 'files-folder-phone');
  await page.setViewportSize({ width: 1280, height: 900 });

  // Delete the non-empty folder from the top: the confirmation names how many files go.
  await mine.getByRole('button', { name: 'My files', exact: true }).click();
  await mine.getByRole('button', { name: 'Delete folder holidays' }).click();
  await expect(mine.getByRole('alertdialog')).toContainText('Delete the folder holidays and the 1 file in it?');
  await expectAccessible(page, 'delete folder confirmation');
  await mine.getByRole('alertdialog').getByRole('button', { name: 'Delete 1 file' }).click();
  await expect(mine.getByText('Deleted holidays and 1 file in it.')).toBeVisible();
  await expect(mine.getByText('No files here yet.')).toBeVisible();
  expect(await keysUnder(page, '')).toEqual([]);
});
