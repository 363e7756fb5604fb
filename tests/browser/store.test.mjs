// The store as its users meet it, end to end through web, the gateway, the services, MariaDB and
// RabbitMQ. Screenshots of every main page go to $BOOKSTORE_BROWSER_OUTPUT.
import { after, before, describe, test } from 'node:test';

import {
  assert, launchBrowser, newPage, newUser, register, screenshot, sellBook, waitForLive, webUrl, WAIT,
} from './support.mjs';

const run = Date.now().toString(36);
let browser;

before(async () => { browser = await launchBrowser(); });
after(async () => { await browser?.close(); });

describe('buying across sellers with live updates', { timeout: 180_000 }, () => {
  const seller = newUser('Seller');
  const otherSeller = newUser('Bookshop');
  const buyer = newUser('Buyer');
  const mainBook = { title: `The Lighthouse Keeper ${run}`, author: 'Marta Quintero', price: '12.50', stock: 5,
                     description: 'First edition, 1998.\nPencil notes on a few pages; otherwise like new.' };
  const otherBook = { title: `Rivers of Salt ${run}`, author: 'Ana Belén Ruiz', price: '8.00', stock: 3,
                      description: 'Paperback, good condition.' };
  let sellerPage;
  let buyerPage;
  let mainId;

  test('a second seller lists a book', async () => {
    const page = await newPage(browser);
    await register(page, otherSeller);
    await sellBook(page, otherBook);
    await page.context().close();
  });

  test('the buyer sees a newly listed book appear in the catalog without reloading', async () => {
    sellerPage = await newPage(browser);
    buyerPage = await newPage(browser);
    await register(sellerPage, seller, 'register');
    await register(buyerPage, buyer);

    await buyerPage.goto(`/books?q=${encodeURIComponent(run)}`);
    await waitForLive(buyerPage);
    const card = buyerPage.locator('.book-card', { hasText: mainBook.title });
    assert(await card.count() === 0, 'the book is not listed yet');

    await sellerPage.goto('/sell');
    await screenshot(sellerPage, 'sell');
    mainId = await sellBook(sellerPage, mainBook);
    await screenshot(sellerPage, 'book');

    await card.waitFor({ timeout: WAIT });  // no reload: live.js refreshed the results
    assert(await card.locator('.price').innerText() === '$12.50', 'price with currency');
    await screenshot(buyerPage, 'catalog');
  });

  test('the buyer fills a cart with books of two sellers', async () => {
    await buyerPage.locator('.book-card', { hasText: mainBook.title }).getByRole('link', { name: mainBook.title }).click();
    await buyerPage.getByLabel('Quantity').fill('2');
    await buyerPage.getByRole('button', { name: 'Add to cart' }).click();
    await buyerPage.getByText(`Added 2 copies of “${mainBook.title}” to your cart.`).waitFor();

    await buyerPage.goto(`/books?q=${encodeURIComponent(otherBook.title)}`);
    await buyerPage.locator('.book-card', { hasText: otherBook.title }).getByRole('button', { name: 'Add to cart' }).click();
    await buyerPage.getByText(`Added 1 copy of “${otherBook.title}” to your cart.`).waitFor();

    await buyerPage.reload();  // the cart lives in the session cookie
    await buyerPage.getByRole('link', { name: /Cart/ }).click();
    await buyerPage.getByText(`Sold by ${seller.name}`).waitFor();
    await buyerPage.getByText(`Sold by ${otherSeller.name}`).waitFor();
    assert(await buyerPage.getByLabel(`Quantity of ${mainBook.title}`).inputValue() === '2', 'two copies');
    assert((await buyerPage.locator('.summary-total').innerText()).includes('$33.00'), 'estimated total');
    await screenshot(buyerPage, 'cart');
  });

  test('checkout, payment and delivery; the seller watches the stock drop live', async () => {
    await sellerPage.goto('/my/books');
    await waitForLive(sellerPage);
    const sellerStock = sellerPage.locator(`[data-stock-for="${mainId}"]`);
    assert(await sellerStock.innerText() === '5 in stock', 'stock before the sale');

    await buyerPage.getByRole('button', { name: 'Place order' }).click();
    await buyerPage.waitForURL(/\/orders\/\d+$/);
    await buyerPage.getByRole('button', { name: /^Pay / }).waitFor();  // live: pending turns into awaiting payment
    const total = await buyerPage.locator('#order-total').innerText();
    assert(total === '$33.00', `the order's total comes from the server: ${total}`);
    await screenshot(buyerPage, 'order-payment');

    await sellerPage.getByText('Only 3 left').waitFor();  // no reload on the seller's page
    assert(await sellerStock.innerText() === 'Only 3 left', 'stock after the sale');
    await screenshot(sellerPage, 'my-books');

    await buyerPage.getByLabel(/PayPal/).check();
    await buyerPage.getByRole('button', { name: /^Pay / }).click();
    await buyerPage.getByText(/Payment of \$33\.00 received/).waitFor();
    await buyerPage.getByLabel(/DHL/).check();
    await screenshot(buyerPage, 'order-delivery');
    await buyerPage.getByRole('button', { name: 'Ship my order' }).click();
    await buyerPage.getByRole('heading', { name: 'Your order is on its way' }).waitFor();
    const tracking = (await buyerPage.locator('#tracking-number').innerText()).trim();
    assert(tracking.length >= 6, `a tracking number is shown: "${tracking}"`);
    assert(await buyerPage.locator('#order-status').innerText() === 'Shipped', 'status shipped');
    await screenshot(buyerPage, 'order-shipped');

    await buyerPage.getByRole('link', { name: 'My orders' }).first().click();
    await buyerPage.locator('tr', { hasText: 'Shipped' }).first().waitFor();
    await screenshot(buyerPage, 'orders');
  });

  test('error: buying more copies than are left is refused by the store', async () => {
    await buyerPage.goto(`/books/${mainId}`);
    await buyerPage.getByLabel('Quantity').fill('3');
    await buyerPage.getByRole('button', { name: 'Add to cart' }).click();
    await buyerPage.getByText(`Added 3 copies of “${mainBook.title}” to your cart.`).waitFor();

    // Meanwhile the seller finds only one copy on the shelf.
    await sellerPage.goto(`/my/books/${mainId}/edit`);
    await sellerPage.getByLabel('Copies for sale').fill('1');
    await sellerPage.getByRole('button', { name: 'Save changes' }).click();
    await sellerPage.getByText('are saved').waitFor();

    await buyerPage.goto('/cart');
    await buyerPage.getByText('Only 1 available').waitFor();
    await buyerPage.getByRole('button', { name: 'Place order' }).click();
    const alert = buyerPage.locator('.flash-error');
    await alert.waitFor();
    const message = await alert.innerText();
    assert(/could not be placed/i.test(message) && /stock|available/i.test(message), `stock error shown: ${message}`);
    assert(new URL(buyerPage.url()).pathname === '/cart', 'back on the cart');
    await screenshot(buyerPage, 'cart-short-stock');
  });

  test('error: a form posted without its CSRF token changes nothing', async () => {
    await buyerPage.goto(`/books/${mainId}`);
    const cartBefore = await buyerPage.locator('.cart-count').innerText();
    await buyerPage.locator('form.buy-form input[name="_csrf"]').evaluate((input) => input.remove());
    const [response] = await Promise.all([
      buyerPage.waitForResponse((r) => r.url().endsWith('/cart/add')),
      buyerPage.getByRole('button', { name: 'Add to cart' }).click(),
    ]);
    assert(response.status() === 403, `refused with 403, got ${response.status()}`);
    await buyerPage.getByRole('heading', { name: 'This form has expired' }).waitFor();
    await screenshot(buyerPage, 'csrf-refused');
    await buyerPage.goto('/cart');
    assert(await buyerPage.locator('.cart-count').innerText() === cartBefore, 'the cart did not change');

    // A token from another session is refused too.
    await buyerPage.goto(`/books/${mainId}`);
    await buyerPage.locator('form.buy-form input[name="_csrf"]').evaluate((input) => { input.value = 'x'.repeat(43); });
    const [forged] = await Promise.all([
      buyerPage.waitForResponse((r) => r.url().endsWith('/cart/add')),
      buyerPage.getByRole('button', { name: 'Add to cart' }).click(),
    ]);
    assert(forged.status() === 403, `forged token refused, got ${forged.status()}`);
  });

  after(async () => {
    await sellerPage?.context().close();
    await buyerPage?.context().close();
  });
});

describe('accounts and pages', { timeout: 120_000 }, () => {
  test('error: a wrong password is refused with a message', async () => {
    const user = newUser('Reader');
    const page = await newPage(browser);
    await register(page, user);
    await page.getByRole('button', { name: 'Log out' }).click();
    await page.getByText('You have been logged out').waitFor();

    await page.goto('/login');
    await page.getByLabel('Email').fill(user.email);
    await page.getByLabel('Password').fill('not-the-password');
    const [response] = await Promise.all([
      page.waitForResponse((r) => r.url().endsWith('/login') && r.request().method() === 'POST'),
      page.getByRole('button', { name: 'Log in' }).click(),
    ]);
    assert(response.status() === 401, `401 for a wrong password, got ${response.status()}`);
    await page.locator('[role="alert"]').waitFor();
    assert(await page.getByRole('button', { name: 'Log out' }).count() === 0, 'not logged in');
    await screenshot(page, 'login-error');

    await page.getByLabel('Password').fill(user.password);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByText(`Welcome back, ${user.name}.`).waitFor();
    await page.context().close();
  });

  test('home page, empty states, not found, and a phone-sized screen', async () => {
    const page = await newPage(browser);
    await page.goto('/');
    await page.getByRole('heading', { name: 'New arrivals' }).waitFor();
    await screenshot(page, 'home');
    await page.goto('/cart');
    await page.getByText('Your cart is empty.').waitFor();
    await screenshot(page, 'cart-empty');
    const missing = await page.goto('/books/999999999');
    assert(missing.status() === 404, `404 for a missing book, got ${missing.status()}`);
    await screenshot(page, 'not-found');
    const headers = (await page.goto('/')).headers();
    assert(headers['content-security-policy'].includes("default-src 'self'"), 'CSP');
    assert(headers['x-frame-options'] === 'DENY', 'X-Frame-Options');
    assert(headers['x-content-type-options'] === 'nosniff', 'nosniff');
    await page.context().close();

    const phone = await newPage(browser, { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
    await phone.goto('/');
    await phone.getByRole('heading', { name: 'New arrivals' }).waitFor();
    await screenshot(phone, 'home-phone');
    await phone.goto('/books');
    await screenshot(phone, 'catalog-phone');
    await phone.context().close();
  });

  test('without JavaScript a visitor browses and fills a cart with plain forms', async () => {
    const page = await newPage(browser, { javaScriptEnabled: false });
    await page.goto('/books?in_stock=1');
    const card = page.locator('.book-card').first();
    const title = (await card.locator('.book-title').innerText()).trim();
    await card.getByRole('button', { name: 'Add to cart' }).click();  // POST, then redirect back
    await page.getByText(`Added 1 copy of “${title}” to your cart.`).waitFor();
    await page.getByRole('link', { name: /Cart/ }).click();
    await page.getByRole('link', { name: title }).waitFor();
    await page.getByRole('link', { name: 'Log in to check out' }).waitFor();
    await screenshot(page, 'cart-no-javascript');
    await page.context().close();
  });

  test('administrators see the user list', async () => {
    // ./bookstore test starts the store with this administrator.
    const email = process.env.BOOKSTORE_ADMIN_EMAIL;
    const password = process.env.BOOKSTORE_ADMIN_PASSWORD;
    assert(email && password, 'BOOKSTORE_ADMIN_EMAIL and BOOKSTORE_ADMIN_PASSWORD must be set');
    const page = await newPage(browser);
    await page.goto('/login');
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByRole('link', { name: 'Users' }).click();
    await page.getByRole('heading', { name: 'Users' }).waitFor();
    await screenshot(page, 'admin-users');
    await page.context().close();
  });
});

console.log(`browser tests against ${webUrl}`);
