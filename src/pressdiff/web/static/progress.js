// pressdiff web: follow the analysis of the stories listed in a ".progress" list.
// Polls the URL in the list's data-progress (same origin) and only sets text and attributes,
// never HTML. With data-reload, the page reloads once every analysis is done (a story page
// waiting for its analysis).
(() => {
  "use strict";
  const list = document.querySelector(".progress[data-progress]");
  if (!list) return;
  const WORDS = { queued: "queued", gone: "superseded: the story changed since, see the stories list", done: "done" };

  function show(row) {
    const item = list.querySelector(`[data-story="${CSS.escape(row.id)}"]`);
    if (!item) return;
    const bar = item.querySelector("progress");
    const stage = item.querySelector(".stage");
    item.dataset.state = row.state;
    if (row.state === "running") {
      bar.max = row.total || 1;
      bar.value = row.done;
      stage.textContent = `${row.stage} (${row.done}/${row.total})`;
    } else {
      bar.max = 1;
      bar.value = row.state === "queued" ? 0 : 1;
      stage.textContent = row.state === "failed" ? row.stage : WORDS[row.state] || row.state;
    }
  }

  async function poll() {
    try {
      const answer = await fetch(list.dataset.progress, { credentials: "same-origin" });
      if (answer.ok) {
        const status = await answer.json();
        status.stories.forEach(show);
        if (status.finished) {
          list.dataset.finished = "1";
          // Reload to show the analysis, not after a failure (the reason stays on screen).
          const done = status.stories.every((row) => row.state === "done");
          if (list.dataset.reload && done) window.location.reload();
          return;
        }
      }
    } catch (error) {
      // the server may be restarting: keep asking
    }
    window.setTimeout(poll, 1000);
  }
  poll();
})();
