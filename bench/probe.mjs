// Runs in each measured page before any of its scripts (page.addInitScript). It must be
// self-contained: Playwright sends its source. Times are performance.now(): milliseconds
// since the navigation started.
//
// It reports to the runner through console.debug (so the runner need not evaluate in the
// page while it loads):
//   "<tag> ready {x, y}"   the banner and its accept button are visible: where to click
//   "<tag> stored {t}"     the first write of the consent key after the pointerdown
// and keeps in window.__probe, besides, when the first frame after the pointerdown showed
// the click taken: the banner hidden, fading (its opacity below what it was at the click),
// or marked busy (aria-busy: ours, while its app loads).
export function probe({ banner, accept, consent, tag }) {
  if (window.top !== window || window.__probe) return;
  const state = (window.__probe = {
    bannerInDom: null,
    bannerVisible: null,
    bannerFrameScheduled: null,
    heapAtBanner: null,
    frames: 0,
    pointerDown: null,
    feedback: null,
    stored: null,
    writes: [],
  });
  const say = (kind, data) => console.debug(`${tag} ${kind} ${JSON.stringify(data)}`);
  const matches = (kind, key) => (consent.type === "any" || consent.type === kind) && (!consent.name || key === consent.name);
  const wrote = (kind, key) => {
    const t = performance.now();
    state.writes.push({ kind, key, t });
    if (state.stored === null && state.pointerDown !== null && matches(kind, key)) {
      state.stored = t;
      say("stored", { t });
    }
  };
  const cookie = Object.getOwnPropertyDescriptor(Document.prototype, "cookie");
  Object.defineProperty(Document.prototype, "cookie", {
    configurable: true,
    get() {
      return cookie.get.call(this);
    },
    set(value) {
      cookie.set.call(this, value);
      wrote("cookie", decodeURIComponent(String(value).split(";")[0].split("=")[0].trim()));
    },
  });
  const setItem = Storage.prototype.setItem;
  Storage.prototype.setItem = function (key, value) {
    setItem.call(this, key, value);
    wrote(this === window.localStorage ? "localStorage" : "sessionStorage", String(key));
  };
  addEventListener(
    "pointerdown",
    () => {
      if (state.pointerDown !== null) return;
      state.pointerDown = performance.now();
      const opacity = (element) => {
        let product = 1;
        for (let e = element; e; e = e.parentElement) product *= Number(getComputedStyle(e).opacity);
        return product;
      };
      const before = opacity(document.querySelector(banner));
      const taken = () => {
        const shown = document.querySelector(banner);
        if (!visible(shown) || shown.closest("[aria-busy=true]") || opacity(shown) < before) state.feedback = performance.now();
        else requestAnimationFrame(taken);
      };
      requestAnimationFrame(taken);
    },
    true,
  );

  // Visible: a box that meets the viewport, not display:none or visibility:hidden, and no
  // opacity 0 on it or an ancestor (entry animations that fade in count once above 0).
  const visible = (element) => {
    if (!element) return false;
    const box = element.getBoundingClientRect();
    if (box.width < 1 || box.height < 1 || box.bottom <= 0 || box.right <= 0 || box.top >= innerHeight || box.left >= innerWidth) return false;
    for (let e = element; e; e = e.parentElement) {
      const style = getComputedStyle(e);
      if (style.display === "none" || style.visibility === "hidden" || Number(style.opacity) === 0) return false;
    }
    return true;
  };
  new MutationObserver((_, observer) => {
    if (document.querySelector(banner)) {
      state.bannerInDom ??= performance.now();
      observer.disconnect();
    }
  }).observe(document, { childList: true, subtree: true });
  const frame = (t) => {
    state.frames += 1;
    if (state.bannerVisible === null && visible(document.querySelector(banner))) {
      // When this frame, the first showing the banner, is rendered: now, as ../shared/bench
      // measures it. Not the callback's argument `t`: that is the frame's scheduled start,
      // which a long task that ran meanwhile (the one inserting the banner, say) leaves
      // behind, so it can even precede the banner's insertion.
      state.bannerVisible = performance.now();
      state.bannerFrameScheduled = t;
      state.heapAtBanner = performance.memory?.usedJSHeapSize ?? null;
    }
    const button = document.querySelector(accept);
    if (state.bannerVisible !== null && visible(button)) {
      const box = button.getBoundingClientRect();
      say("ready", { x: box.left + box.width / 2, y: box.top + box.height / 2 });
      return;
    }
    requestAnimationFrame(frame);
  };
  requestAnimationFrame(frame);
}
