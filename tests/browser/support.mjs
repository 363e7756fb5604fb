// Helpers of the browser tests: the browser, users, and waiting for conditions (never fixed sleeps).
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { chromium } from 'playwright-core';

export const webUrl = (process.env.BOOKSTORE_WEB_URL || 'http://127.0.0.1:8080').replace(/\/$/, '');
export const outputDir = process.env.BOOKSTORE_BROWSER_OUTPUT || path.join(path.dirname(new URL(import.meta.url).pathname), 'output');
mkdirSync(outputDir, { recursive: true });

// How long a condition may take to become true (live events cross RabbitMQ and two services).
export const WAIT = 20_000;

export async function launchBrowser() {
  // launch() gives every run a fresh, temporary user-data-dir.
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
           '--disable-sync', '--no-first-run', '--disable-dev-shm-usage'],
  });
}

export async function newPage(browser, options = {}) {
  const context = await browser.newContext({ baseURL: webUrl, viewport: { width: 1280, height: 900 }, ...options });
  context.setDefaultTimeout(WAIT);
  const page = await context.newPage();
  // Playwright would dismiss confirm() dialogs (answering "no"); a user here says yes.
  page.on('dialog', (dialog) => dialog.accept());
  return page;
}

export async function screenshot(page, name) {
  await page.screenshot({ path: path.join(outputDir, `${name}.png`), fullPage: true });
}

// A user unique to this run.
export function newUser(label) {
  const id = `${Date.now().toString(36)}${Math.floor(Math.random() * 1e6).toString(36)}`;
  return { name: `${label} ${id.slice(-5)}`, email: `${label.toLowerCase()}-${id}@example.test`, password: `Secret-${id}!` };
}

export async function register(page, user, shot) {
  await page.goto('/register');
  await page.getByLabel('Your name').fill(user.name);
  await page.getByLabel('Email').fill(user.email);
  await page.getByLabel('Password').fill(user.password);
  if (shot) await screenshot(page, shot);
  await page.getByRole('button', { name: 'Create account' }).click();
  await page.getByText(`Welcome to BookStore, ${user.name}!`).waitFor();
}

export async function sellBook(page, book) {
  await page.goto('/sell');
  await page.getByLabel('Title').fill(book.title);
  await page.getByLabel('Author').fill(book.author);
  await page.getByLabel('Price (US$)').fill(book.price);
  await page.getByLabel('Copies for sale').fill(String(book.stock));
  await page.getByLabel('Description').fill(book.description || '');
  await page.getByRole('button', { name: 'Put it up for sale' }).click();
  await page.getByText(`“${book.title}” is now for sale.`).waitFor();
  return Number(new URL(page.url()).pathname.split('/').pop());
}

// Waits until live.js has its event stream open, so that no event of the test is missed.
export async function waitForLive(page) {
  await page.locator('body[data-live-state="open"]').waitFor({ state: 'attached' });
}

export function assert(condition, message) {
  if (!condition) throw new Error(message);
}
