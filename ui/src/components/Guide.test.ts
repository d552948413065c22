import { afterEach, describe, expect, it, vi } from "vitest";
import { flushSync, mount, unmount } from "svelte";

const app = { guideOpen: true };
vi.mock("../lib/app.svelte", () => ({ app }));

const { default: Guide } = await import("./Guide.svelte");
const { headingId, renderGuide } = await import("../lib/guide");

let shown: Record<string, unknown> | null = null;
afterEach(() => {
  if (shown) unmount(shown);
  shown = null;
  document.body.innerHTML = "";
});

describe("the user guide in the app", () => {
  it("gives headings the ids of the guide's table of contents", () => {
    expect(headingId("4. IT: installation, filer, sikkerhedskopi og gendannelsesnøgle")).toBe("4-it-installation-filer-sikkerhedskopi-og-gendannelsesnøgle");
    const html = renderGuide("## 3. Lederen: rapporter\n\n![Indsigt](img/43-indsigt.png)\n");
    expect(html).toContain('<h2 id="3-lederen-rapporter">3. Lederen: rapporter</h2>');
    expect(html).not.toContain('src="img/43-indsigt.png"');
  });

  it("shows the whole guide for the four roles, every contents link leads to a section, and no link leaves the app", () => {
    shown = mount(Guide, { target: document.body });
    flushSync();
    const text = document.querySelector("[data-guide]")!;
    for (const h of ["1. Alkoholbehandleren: en arbejdsdag", "2. Familiekonsulenten: hvad der deles og hvorfor", "Sikkerhedskopi", "Gendan en sikkerhedskopi", "Indsigt: når en borger beder om at se sin journal"]) {
      expect([...text.querySelectorAll("h2, h3")].map((e) => e.textContent)).toContain(h);
    }
    const contents = [...text.querySelectorAll<HTMLAnchorElement>("a[href^='#']")];
    expect(contents.length).toBeGreaterThanOrEqual(4);
    for (const a of contents) expect(document.getElementById(decodeURIComponent(a.getAttribute("href")!.slice(1))), a.href).not.toBeNull();
    contents[3].click();
    expect(document.activeElement?.id).toBe(decodeURIComponent(contents[3].getAttribute("href")!.slice(1)));
    const outside = [...text.querySelectorAll<HTMLAnchorElement>("a")].find((a) => !a.getAttribute("href")!.startsWith("#"));
    if (outside) {
      const ev = new MouseEvent("click", { bubbles: true, cancelable: true });
      outside.dispatchEvent(ev);
      expect(ev.defaultPrevented).toBe(true);
    }
    expect(text.querySelectorAll("img").length).toBeGreaterThanOrEqual(10);
  });
});
