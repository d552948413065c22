// The Danish user guide (docs/guide/brugervejledning.md) as HTML for the
// in-app help: rendered with marked at build time's import, its headings
// given the ids its table of contents links to (GitHub's way), and its
// screenshots taken from the app's own bundle. The guide is our own file,
// bundled with the app; nothing from outside is rendered.
import { marked } from "marked";
import guide from "../../../docs/guide/brugervejledning.md?raw";

const images = import.meta.glob("../../../docs/guide/img/*.png", { eager: true, query: "?url", import: "default" }) as Record<string, string>;

/** The id GitHub gives a heading: lower case, punctuation dropped, spaces as dashes. */
export function headingId(text: string): string {
  return text.trim().toLowerCase().replace(/[^\p{L}\p{N}\s-]/gu, "").replace(/\s/g, "-");
}

/** The guide's screenshot `img/NAME` as the bundled file's address. */
function imageUrl(name: string): string | undefined {
  return images[`../../../docs/guide/img/${name}`];
}

/** `markdown` as HTML, headings with ids and images from the bundle. */
export function renderGuide(markdown: string = guide): string {
  const html = marked.parse(markdown, { async: false, gfm: true });
  return html
    .replace(/<h([1-6])>([\s\S]*?)<\/h\1>/g, (_m, level: string, inner: string) => {
      const text = inner.replace(/<[^>]+>/g, "").replace(/&amp;/g, "&");
      return `<h${level} id="${headingId(text)}">${inner}</h${level}>`;
    })
    .replace(/src="img\/([^"]+)"/g, (m, name: string) => {
      const url = imageUrl(name);
      return url ? `src="${url}"` : m;
    });
}
