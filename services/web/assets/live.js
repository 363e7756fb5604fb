// BookStore live updates. Every page works without this file; with it, stock changes in place and lists
// and orders refresh themselves when the gateway's events (relayed by web at /events) say so.
(function () {
  'use strict';

  // Forms that ask before doing something that cannot be undone (data-confirm="...").
  document.addEventListener('submit', function (event) {
    var form = event.target;
    var question = form.getAttribute && form.getAttribute('data-confirm');
    if (question && !window.confirm(question)) event.preventDefault();
  });

  var body = document.body;
  var mode = body.getAttribute('data-live');
  if (!mode || !window.EventSource || !window.fetch || !window.DOMParser) return;
  body.setAttribute('data-live-state', 'connecting');

  function stockLabel(stock) {
    if (stock <= 0) return 'Sold out';
    if (stock <= 3) return 'Only ' + stock + ' left';
    return stock + ' in stock';
  }

  function forBook(attribute, id) {
    return document.querySelectorAll('[' + attribute + '="' + String(Number(id)) + '"]');
  }

  function showStock(book, gone) {
    var stock = gone ? 0 : Number(book.stock);
    if (!isFinite(stock)) return;
    forBook('data-stock-for', book.id).forEach(function (el) {
      var text = gone ? 'No longer for sale' : stockLabel(stock);
      if (el.textContent === text) return;
      el.textContent = text;
      el.classList.toggle('stock-low', stock > 0 && stock <= 3);
      el.classList.toggle('stock-out', stock <= 0);
      el.classList.remove('stock-changed');
      void el.offsetWidth;  // restart the highlight animation
      el.classList.add('stock-changed');
    });
    forBook('data-add-for', book.id).forEach(function (form) {
      form.querySelectorAll('button, input[type="number"]').forEach(function (control) {
        control.disabled = stock <= 0;
      });
    });
    forBook('data-max-for', book.id).forEach(function (input) {
      input.max = String(Math.max(1, Math.min(stock, 99)));
    });
  }

  // Re-reads this page and swaps in its live regions (the server renders them: filters, sort, pages
  // and escaping stay exactly as on a normal page view).
  var refreshTimer = null;
  function refreshRegions() {
    if (refreshTimer) return;
    refreshTimer = window.setTimeout(function () {
      refreshTimer = null;
      fetch(window.location.href, { headers: { 'X-Live-Refresh': '1' }, credentials: 'same-origin', cache: 'no-store' })
        .then(function (response) { return response.ok ? response.text() : null; })
        .then(function (html) {
          if (!html) return;
          var fresh = new DOMParser().parseFromString(html, 'text/html');
          document.querySelectorAll('[data-live-region]').forEach(function (region) {
            if (!region.id) return;
            var replacement = fresh.getElementById(region.id);
            if (!replacement) return;
            var before = {};
            region.querySelectorAll('[data-book]').forEach(function (el) { before[el.getAttribute('data-book')] = true; });
            region.replaceWith(replacement);
            replacement.querySelectorAll('[data-book]').forEach(function (el) {
              if (!before[el.getAttribute('data-book')]) el.classList.add('is-new');
            });
          });
          body.setAttribute('data-live-refreshed', String(Date.now()));
        })
        .catch(function () { /* the next event tries again */ });
    }, 250);
  }

  function onPage(id) { return forBook('data-book', id).length > 0 || forBook('data-stock-for', id).length > 0; }

  function onBookEvent(type, book) {
    if (!book || book.id === undefined) return;
    var gone = type === 'book.deleted' || book.deleted === true;
    showStock(book, gone);
    if (mode !== 'books') return;
    if (type === 'book.created' || (type !== 'book.stock_changed' && onPage(book.id))) refreshRegions();
  }

  function onOrderEvent(order) {
    if (mode === 'orders') refreshRegions();
    if (mode === 'order' && order && String(order.order_id) === body.getAttribute('data-order-id')) refreshRegions();
  }

  var bookEvents = ['book.created', 'book.updated', 'book.stock_changed', 'book.deleted'];
  var orderEvents = ['order.stock_reserved', 'order.stock_rejected', 'order.paid', 'order.cancelled',
                     'order.delivery_assigned'];
  var source = null;
  var retryDelay = 1000;
  var connectedBefore = false;

  function parse(event) {
    try { return JSON.parse(event.data); } catch (e) { return null; }
  }

  function connect() {
    source = new EventSource('/events');
    source.addEventListener('open', function () {
      body.setAttribute('data-live-state', 'open');
      retryDelay = 1000;
      // Events may have been missed while disconnected: catch up once.
      if (connectedBefore) refreshRegions();
      connectedBefore = true;
    });
    bookEvents.forEach(function (type) {
      source.addEventListener(type, function (event) { onBookEvent(type, parse(event)); });
    });
    orderEvents.forEach(function (type) {
      source.addEventListener(type, function (event) { onOrderEvent(parse(event)); });
    });
    source.addEventListener('error', function () {
      body.setAttribute('data-live-state', 'reconnecting');
      if (source.readyState === EventSource.CLOSED) {
        // The browser gave up (e.g. a 503 while the store restarts): try again later ourselves.
        window.setTimeout(connect, retryDelay);
        retryDelay = Math.min(retryDelay * 2, 30000);
      }
    });
  }

  connect();
  window.addEventListener('pagehide', function () { if (source) source.close(); });
})();
