// pressdiff report: tabs on narrow screens, finding popovers, evidence highlighting, and the
// aligned reuse passages of one chosen pair of articles, lit in both columns.
// Builds no HTML from strings: popovers are clones of the server-rendered finding cards, and
// the passage spans are server-rendered too (the script only toggles classes on them).
(() => {
  "use strict";
  document.documentElement.classList.add("js");
  const pop = document.getElementById("pd-pop");
  let pinned = [];

  const idsOf = (el, key) => (el.dataset[key] || "").split(" ").filter(Boolean);
  const spansOf = (id) => document.querySelectorAll(`[data-f~="${id}"], [data-e~="${id}"]`);
  const light = (ids, on) => ids.forEach((id) => spansOf(id).forEach((el) => el.classList.toggle("active", on)));

  function closePop() {
    light(pinned, false);
    pinned = [];
    pop.hidden = true;
    pop.replaceChildren();
  }

  function openPop(anchor, ids) {
    closePop();
    const cards = ids.map((id) => document.getElementById(`card-${id}`)).filter(Boolean).map((card) => {
      const copy = card.cloneNode(true);
      copy.removeAttribute("id");
      return copy;
    });
    if (!cards.length) return;
    const list = document.createElement("ol");
    list.className = "finding-list";
    list.replaceChildren(...cards);
    pop.replaceChildren(list);
    pop.hidden = false;
    const box = anchor.getBoundingClientRect();
    const left = Math.min(box.left, window.innerWidth - pop.offsetWidth - 8);
    pop.style.left = `${Math.max(8, left) + window.scrollX}px`;
    pop.style.top = `${box.bottom + window.scrollY + 6}px`;
    pinned = ids;
    light(ids, true);
  }

  // Scroll every column that shows a span of this finding so the spans line up.
  function showInText(id) {
    closePop();
    const story = document.getElementById(`card-${id}`).closest(".story");
    const seen = new Set();
    spansOf(id).forEach((el) => {
      const col = el.closest(".col");
      if (seen.has(col)) return;
      seen.add(col);
      const text = col.querySelector(".text");
      text.scrollTop = el.offsetTop - text.clientHeight / 3;
      if (el.matches("mark")) selectTab(story, col.dataset.col);
    });
    story.querySelector(".cols").scrollIntoView({ behavior: "smooth", block: "start" });
    pinned = [id];
    light(pinned, true);
  }

  function selectTab(story, index) {
    story.querySelectorAll(".tab, .col").forEach((el) => {
      el.classList.toggle("current", (el.dataset.tab ?? el.dataset.col) === index);
    });
  }

  // --- aligned passages of one pair -----------------------------------------------------------
  // A picker's option lists its passages as "id:kind:similarity:overlap:q|-"; the text runs of a
  // passage carry its id in data-p, in both articles. Only the chosen pair's runs get classes.
  const KINDS = ["verbatim", "edited", "paraphrase"];
  let lit = [];

  function pairOf(picker) {
    const option = picker.selectedOptions[0];
    if (!option || !option.value) return null;
    const story = picker.closest(".story");
    const cols = [option.dataset.a, option.dataset.b].map((i) => story.querySelector(`.col[data-col="${i}"]`));
    const passages = (option.dataset.p || "").split(" ").filter(Boolean).map((code, n) => {
      const [id, kind, similarity, overlap, quoted] = code.split(":");
      return { id, kind, similarity, overlap, quoted: quoted === "q", n: n + 1 };
    });
    return { story, cols, passages, byId: new Map(passages.map((p) => [p.id, p])) };
  }

  const activePair = (el) => {
    const picker = el.closest(".story")?.querySelector(".pair-pick");
    return picker ? pairOf(picker) : null;
  };

  function choosePair(picker, bringForward) {
    const story = picker.closest(".story");
    unlight();
    story.querySelectorAll(".pp").forEach((el) => {
      el.classList.remove("pp", "pq", ...KINDS.map((k) => `pk-${k}`));
      el.removeAttribute("data-n");
    });
    story.querySelectorAll(".col").forEach((col) => col.classList.remove("pair-a", "pair-b", "front-a", "front-b"));
    const pair = pairOf(picker);
    const info = story.querySelector(".pair-info");
    if (!pair || pair.cols.includes(null)) {
      info.textContent = "No pair chosen.";
      return;
    }
    pair.passages.forEach((p) => {
      pair.cols.forEach((col) => {
        const runs = col.querySelectorAll(`[data-p~="${p.id}"]`);
        runs.forEach((el) => el.classList.add("pp", `pk-${p.kind}`, ...(p.quoted ? ["pq"] : [])));
        if (runs.length) runs[0].dataset.n = runs[0].dataset.n ? `${runs[0].dataset.n},${p.n}` : `${p.n}`;
      });
    });
    pair.cols[0].classList.add("pair-a");
    pair.cols[1].classList.add("pair-b");
    const [a, b] = pair.cols.map((col) => col.querySelector(".outlet").textContent);
    info.textContent = `${pair.passages.length} aligned passage${pair.passages.length === 1 ? "" : "s"} between ${a} and ${b}, numbered in both. Hover or click one to find its counterpart.`;
    if (bringForward) {
      pair.cols[0].classList.add("front-a");
      pair.cols[1].classList.add("front-b");
      story.querySelector(".cols").scrollLeft = 0;
      selectTab(story, pair.cols[0].dataset.col);
    }
  }

  // The chosen pair's passages under an element (a run may belong to several passages).
  function passagesAt(el) {
    const pair = activePair(el);
    if (!pair) return [];
    return idsOf(el, "p").map((id) => pair.byId.get(id)).filter(Boolean);
  }

  function unlight() {
    lit.forEach((el) => el.classList.remove("pp-on"));
    lit = [];
  }

  function lightPassages(run) {
    unlight();
    const found = passagesAt(run);
    if (!found.length) return [];
    const story = run.closest(".story");
    found.forEach((p) => story.querySelectorAll(`.pp[data-p~="${p.id}"]`).forEach((el) => {
      el.classList.add("pp-on");
      lit.push(el);
    }));
    const pair = activePair(run);
    story.querySelector(".pair-info").textContent = found.map((p) => {
      const quoted = p.quoted ? "; mostly inside quotes, so shared speech rather than copying" : "";
      return `Passage ${p.n} of ${pair.passages.length}: ${p.kind}, similarity ${p.similarity}, word overlap ${p.overlap}${quoted}`;
    }).join(" · ");
    return found;
  }

  // Scroll the other article so that the counterpart sits level with the clicked passage.
  function alignCounterpart(run) {
    const found = lightPassages(run);
    if (!found.length) return;
    const col = run.closest(".col");
    const other = activePair(run).cols.find((c) => c !== col);
    const twin = other && other.querySelector(`.pp[data-p~="${found[0].id}"]`);
    if (!twin) return;
    const text = other.querySelector(".text");
    text.scrollTop += twin.getBoundingClientRect().top - run.getBoundingClientRect().top;
  }

  function showPair(button) {
    const story = button.closest(".story");
    const picker = story.querySelector(".pair-pick");
    if (!picker) return;
    picker.value = button.dataset.pair;
    choosePair(picker, true);
    story.querySelector(".pairs").scrollIntoView({ behavior: "smooth", block: "start" });
  }

  // --- hiding low-confidence flags ---------------------------------------------------------
  // Each finding card carries its confidence (data-conf). Cards below the chosen bar are hidden,
  // and a highlight all of whose findings are hidden loses its colour (class "low").
  const bar = document.getElementById("pd-min-conf");

  function applyConfidence() {
    const min = Number(bar.value);
    document.getElementById("pd-min-conf-value").textContent = min.toFixed(2);
    const low = new Set();
    document.querySelectorAll(".finding[data-conf][id]").forEach((card) => {
      const hide = Number(card.dataset.conf) < min;
      card.hidden = hide;
      if (hide) low.add(card.dataset.fid);
    });
    document.querySelectorAll("mark.hl").forEach((mark) => {
      mark.classList.toggle("low", idsOf(mark, "f").every((id) => low.has(id)));
    });
    closePop();
  }

  if (bar) bar.addEventListener("input", applyConfidence);

  document.querySelectorAll(".pair-pick").forEach((picker) => {
    picker.addEventListener("change", () => choosePair(picker, true));
    choosePair(picker, false);
  });

  document.addEventListener("click", (event) => {
    const target = event.target;
    const pairButton = target.closest("[data-pair]");
    if (pairButton) return showPair(pairButton);
    const mark = target.closest("mark.hl:not(.low)");
    if (mark && mark.matches(".pp")) alignCounterpart(mark);
    if (mark) return openPop(mark, idsOf(mark, "f"));
    const cited = target.closest(".ev.active");
    if (cited) return openPop(cited, idsOf(cited, "e"));
    const show = target.closest("button.show");
    if (show) return showInText(show.dataset.show);
    const tab = target.closest("button.tab");
    if (tab) return selectTab(tab.closest(".story"), tab.dataset.tab);
    const run = target.closest(".pp");
    if (run) return alignCounterpart(run);
    if (!pop.contains(target)) closePop();
  });
  document.addEventListener("keydown", (event) => {
    if (event.key === "Escape") closePop();
    const mark = event.target.closest && event.target.closest("mark.hl:not(.low)");
    if (mark && event.key === "Enter") openPop(mark, idsOf(mark, "f"));
  });
  // Hovering a highlight lights up its evidence in the other articles.
  document.addEventListener("mouseover", (event) => {
    const mark = event.target.closest("mark.hl");
    if (mark && !pinned.length) light(idsOf(mark, "f"), true);
    const run = event.target.closest(".pp");
    if (run) lightPassages(run);
  });
  document.addEventListener("mouseout", (event) => {
    const mark = event.target.closest("mark.hl");
    if (mark && !pinned.length) light(idsOf(mark, "f"), false);
  });
})();
