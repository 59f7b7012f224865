/// The flame graph's inline script (no libraries, nothing fetched): click a frame to zoom into it,
/// "Reset Zoom" (or Escape) to go back, "Search" (or Ctrl-F, or `?s=regex` in the URL of a
/// standalone SVG) to highlight matching frames with the share they cover, details of the frame
/// under the mouse at the bottom. `?z=N` zooms into frame N on load. Each graph's script works on
/// its own `<svg>` only, so several graphs can share an HTML page. The root gets `data-ready="1"`
/// when the script has run and `data-error` when something failed (the browser tests check both).
enum FlameGraphScript {
  static let source = """
    (function (svg) {
      'use strict';
      window.addEventListener('error', function (e) { svg.setAttribute('data-error', String(e.message)); });
      var W = +svg.getAttribute('data-width'), pad = +svg.getAttribute('data-pad');
      var total = +svg.getAttribute('data-total');
      var cw = +svg.getAttribute('data-font') * 0.59;
      var frames = Array.prototype.slice.call(svg.querySelectorAll('g.f'));
      var details = svg.querySelector('.details'), matched = svg.querySelector('.matched');
      var unzoom = svg.querySelector('.unzoom'), searchButton = svg.querySelector('.search');
      function num(g, k) { return +g.getAttribute('data-' + k); }
      function fit(g) {
        var r = g.firstElementChild.nextElementSibling, t = r.nextElementSibling;
        var w = +r.getAttribute('width'), name = g.getAttribute('data-n'), n = Math.floor((w - 3) / cw);
        t.setAttribute('x', (+r.getAttribute('x') + 3).toFixed(1));
        t.textContent = n < 3 ? '' : name.length <= n ? name : name.slice(0, n - 2) + '..';
      }
      function place(g, x, w) {
        var r = g.firstElementChild.nextElementSibling;
        r.setAttribute('x', x.toFixed(1));
        r.setAttribute('width', Math.max(w, 0).toFixed(1));
        fit(g);
      }
      function zoom(g) {
        var s = num(g, 's'), v = num(g, 'v'), d = num(g, 'd'), scale = (W - 2 * pad) / v;
        frames.forEach(function (f) {
          var fs = num(f, 's'), fv = num(f, 'v'), fd = num(f, 'd');
          f.classList.remove('h', 'p');
          if (fd < d && fs <= s && fs + fv >= s + v) {
            f.classList.add('p');
            place(f, pad, W - 2 * pad);
          } else if (fd >= d && fs >= s && fs + fv <= s + v) {
            place(f, pad + (fs - s) * scale, fv * scale);
          } else {
            f.classList.add('h');
          }
        });
        unzoom.classList.remove('hide');
        svg.setAttribute('data-zoom', g.getAttribute('data-i'));
      }
      function reset() {
        frames.forEach(function (f) {
          f.classList.remove('h', 'p');
          place(f, num(f, 'x'), num(f, 'w'));
        });
        unzoom.classList.add('hide');
        svg.removeAttribute('data-zoom');
      }
      function search(term) {
        var re;
        try { re = new RegExp(term); } catch (e) { matched.textContent = 'bad regex: ' + e.message; return; }
        var spans = [];
        frames.forEach(function (f) {
          var hit = re.test(f.getAttribute('data-n'));
          f.classList.toggle('m', hit);
          if (hit) spans.push([num(f, 's'), num(f, 's') + num(f, 'v')]);
        });
        spans.sort(function (a, b) { return a[0] - b[0]; });
        var covered = 0, end = -1;
        spans.forEach(function (sp) {
          if (sp[0] >= end) { covered += sp[1] - sp[0]; end = sp[1]; }
          else if (sp[1] > end) { covered += sp[1] - end; end = sp[1]; }
        });
        matched.textContent = spans.length ? 'Matched: ' + (100 * covered / total).toFixed(1) + '%' : 'Matched: none';
        searchButton.textContent = 'Reset Search';
        svg.setAttribute('data-search', term);
      }
      function clearSearch() {
        frames.forEach(function (f) { f.classList.remove('m'); });
        matched.textContent = '';
        searchButton.textContent = 'Search';
        svg.removeAttribute('data-search');
      }
      frames.forEach(function (f) {
        f.addEventListener('click', function () { zoom(f); });
        f.addEventListener('mouseover', function () { details.textContent = f.firstElementChild.textContent; });
        f.addEventListener('mouseout', function () { details.textContent = ' '; });
      });
      unzoom.addEventListener('click', reset);
      function askSearch() {
        if (svg.hasAttribute('data-search')) { clearSearch(); return; }
        var term = window.prompt('Search frames for (regular expression):', '');
        if (term) search(term);
      }
      searchButton.addEventListener('click', askSearch);
      if (svg === document.documentElement) {
        window.addEventListener('keydown', function (e) {
          if (e.key === 'Escape') { reset(); clearSearch(); }
          else if ((e.ctrlKey || e.metaKey) && e.key === 'f') { e.preventDefault(); askSearch(); }
        });
        var params = new URLSearchParams(window.location.search);
        if (params.get('z') !== null) {
          var target = frames.filter(function (f) { return f.getAttribute('data-i') === params.get('z'); })[0];
          if (target) zoom(target);
        }
        if (params.get('s')) search(params.get('s'));
      }
      svg.setAttribute('data-ready', '1');
    })(document.currentScript.closest('svg'));
    """
}
