// pressdiff report: tabs on narrow screens, finding popovers, evidence highlighting.
// Builds no HTML from strings: popovers are clones of the server-rendered finding cards.
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

  document.addEventListener("click", (event) => {
    const target = event.target;
    const mark = target.closest("mark.hl");
    if (mark) return openPop(mark, idsOf(mark, "f"));
    const cited = target.closest(".ev.active");
    if (cited) return openPop(cited, idsOf(cited, "e"));
    const show = target.closest("button.show");
    if (show) return showInText(show.dataset.show);
    const tab = target.closest("button.tab");
    if (tab) return selectTab(tab.closest(".story"), tab.dataset.tab);
    if (!pop.contains(target)) closePop();
  });
  document.addEventListener("keydown", (event) => {
    if (event.key === "Escape") closePop();
    const mark = event.target.closest && event.target.closest("mark.hl");
    if (mark && event.key === "Enter") openPop(mark, idsOf(mark, "f"));
  });
  // Hovering a highlight lights up its evidence in the other articles.
  document.addEventListener("mouseover", (event) => {
    const mark = event.target.closest("mark.hl");
    if (mark && !pinned.length) light(idsOf(mark, "f"), true);
  });
  document.addEventListener("mouseout", (event) => {
    const mark = event.target.closest("mark.hl");
    if (mark && !pinned.length) light(idsOf(mark, "f"), false);
  });
})();
