import { afterEach, describe, expect, it, vi } from "vitest";
import { flushSync, mount, unmount } from "svelte";

// The shell is not there in a component test: the one IPC module is replaced.
const searchClients = vi.fn();
const clientSharing = vi.fn();
vi.mock("../ipc", () => ({
  api: {
    searchClients: (q: unknown) => searchClients(q),
    clientSharing: (ids: unknown) => clientSharing(ids),
    benchReady: vi.fn(),
  },
}));
vi.mock("../lib/app.svelte", () => ({ app: { bench: false, go: vi.fn() } }));

const { default: ClientList } = await import("./ClientList.svelte");

const client = (n: number) => ({
  id: `c${n}`, name: `Klient ${String(n).padStart(3, "0")}`, cpr: "0101701111", birth_date: "1970-01-01",
  municipality: { code: "0320", label: "Faxe" }, active: n % 2 === 0, children_under_18: 0,
});

let list: Record<string, unknown> | null = null;
afterEach(() => {
  if (list) unmount(list);
  list = null;
  document.body.innerHTML = "";
  searchClients.mockReset();
  clientSharing.mockReset();
});

const rows = () => document.querySelectorAll("tbody tr[data-client]").length;
const frame = () => new Promise((r) => requestAnimationFrame(() => r(null)));

describe("the client list", () => {
  it("marks the cases that travel to a partner, with when they last did, and no other", async () => {
    searchClients.mockResolvedValue([client(1), client(2)]);
    clientSharing.mockResolvedValue([{ client: "c2", partners: ["Stevns Rusmiddelcenter"], last_exchanged: "2026-11-26" }]);
    list = mount(ClientList, { target: document.body });
    await new Promise((r) => setTimeout(r, 0));
    await new Promise((r) => setTimeout(r, 0));
    flushSync();
    expect(clientSharing).toHaveBeenCalledWith(["c1", "c2"]);
    const mark = (name: string) => document.querySelector(`tr[data-client="${name}"] [data-shared]`)?.textContent ?? null;
    expect(mark("Klient 001")).toBeNull();
    expect(mark("Klient 002")).toBe("Delt med Stevns Rusmiddelcenter · sidst udvekslet 26-11-2026");
  });

  it("draws the first screenful at once and every one of 200 rows once that is painted", async () => {
    searchClients.mockResolvedValue(Array.from({ length: 200 }, (_, i) => client(i)));
    clientSharing.mockResolvedValue([]);
    list = mount(ClientList, { target: document.body });
    await new Promise((r) => setTimeout(r, 0));
    flushSync();
    expect(searchClients).toHaveBeenCalledWith({ query: "", active: false, with_children: false, mine: false });
    expect(rows()).toBe(40);
    await frame();
    await frame();
    await new Promise((r) => setTimeout(r, 0));
    flushSync();
    expect(rows()).toBe(200);
    expect(document.querySelector("p.small")?.textContent).toBe("200 klienter vist");
  });

  it("shows a short answer whole at once", async () => {
    searchClients.mockResolvedValue([client(1), client(2)]);
    clientSharing.mockResolvedValue([]);
    list = mount(ClientList, { target: document.body });
    await new Promise((r) => setTimeout(r, 0));
    flushSync();
    expect([...document.querySelectorAll("tbody tr[data-client]")].map((r) => r.getAttribute("data-client"))).toEqual([
      "Klient 001",
      "Klient 002",
    ]);
  });
});
