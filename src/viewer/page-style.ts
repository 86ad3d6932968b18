/**
 * The lesson page's style sheet, inlined into each lesson file (lesson-html.ts): system fonts
 * only, nothing fetched. Client on the left, server on the right, as in RFC 6101's figures.
 */
export const PAGE_STYLE: string = `
:root { --c2s: #1d5fa8; --s2c: #a0521d; --sel: #ffd54a; --bad: #b3261e; --ok: #1e7a34; --line: #d4d8de; --muted: #5f6670; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #1c1f23; background: #fafbfc; }
#app { max-width: 1400px; margin: 0 auto; padding: 12px 20px 40px; }
h1 { font-size: 20px; margin: 8px 0 2px; }
h2 { font-size: 17px; margin: 22px 0 8px; border-bottom: 1px solid var(--line); padding-bottom: 3px; }
h3 { font-size: 15px; margin: 4px 0 6px; }
h4 { font-size: 13px; margin: 12px 0 4px; color: var(--muted); text-transform: uppercase; letter-spacing: .03em; }
code, .hex, .bytes-view, pre, .formula { font-family: ui-monospace, "SFMono-Regular", Menlo, Consolas, "DejaVu Sans Mono", monospace; font-size: 12.5px; }
.meta { color: var(--muted); margin: 2px 0 8px; }
.note { color: var(--muted); font-style: italic; margin: 4px 0; }
.ok { color: var(--ok); } .bad { color: var(--bad); }
.tabs { display: flex; flex-wrap: wrap; gap: 4px; margin: 8px 0; }
button { font: inherit; cursor: pointer; }
.tab { border: 1px solid var(--line); background: #fff; border-radius: 4px; padding: 3px 9px; }
.tab.chosen { background: #e9eef6; border-color: #9fb3cf; }
.split { display: grid; grid-template-columns: minmax(300px, 420px) 1fr; gap: 16px; align-items: start; }
.ladder { background: #fff; border: 1px solid var(--line); border-radius: 6px; padding: 8px 10px; position: sticky; top: 8px; }
.ladder .ends { display: flex; justify-content: space-between; font-weight: 600; border-bottom: 2px solid #333; padding-bottom: 4px; margin-bottom: 6px; }
.ladder .ends span { display: flex; flex-direction: column; }
.ladder .ends span:last-child { text-align: right; }
.ladder .ends small { font-weight: 400; color: var(--muted); font-size: 11px; }
.flight { position: relative; padding: 6px 18px 12px; border-left: 2px solid #333; border-right: 2px solid #333; margin: 0 -10px; }
.flight .msgs { display: flex; flex-direction: column; gap: 2px; }
.flight.c2s .msgs { align-items: flex-start; }
.flight.s2c .msgs { align-items: flex-end; }
.flight .arrow { position: absolute; left: 4px; right: 4px; bottom: 5px; height: 0; border-top: 2px solid; }
.flight.c2s .arrow { color: var(--c2s); } .flight.s2c .arrow { color: var(--s2c); }
.flight .arrow::after { content: ""; position: absolute; top: -6px; border: 5px solid transparent; }
.flight.c2s .arrow::after { right: -2px; border-left: 8px solid var(--c2s); }
.flight.s2c .arrow::after { left: -2px; border-right: 8px solid var(--s2c); }
.msg { border: 1px solid transparent; background: none; padding: 1px 6px; border-radius: 3px; text-align: left; }
.flight.c2s .msg { color: var(--c2s); } .flight.s2c .msg { color: var(--s2c); }
.msg:hover { background: #eef2f7; }
.msg.encrypted { border-style: dashed; border-color: currentColor; }
.msg.fatal { color: var(--bad) !important; font-weight: 600; }
.msg.tampered { background: #fde2e0; outline: 2px solid var(--bad); }
.msg.chosen { background: #e3ecf9; border-style: solid; border-color: currentColor; }
.detail { background: #fff; border: 1px solid var(--line); border-radius: 6px; padding: 8px 12px; min-height: 200px; }
.bytes-view { display: grid; grid-template-columns: minmax(260px, 1fr) auto; gap: 14px; align-items: start; }
.bytes-view .tree ul { list-style: none; margin: 0; padding-left: 14px; }
.bytes-view .tree > ul { padding-left: 0; }
.field { cursor: pointer; border-radius: 3px; padding: 0 3px; display: inline-block; }
.field:hover { background: #f1f3f6; }
.field .name { color: #6b2fa3; }
.field .value { color: #333; word-break: break-all; }
.field.sel, .byte.sel { background: var(--sel); }
.hex .line { white-space: nowrap; }
.hex .offset { color: #9aa1aa; margin-right: 8px; user-select: none; }
.byte { cursor: pointer; padding: 0 1px; margin-right: 2px; border-radius: 2px; }
.byte:hover { outline: 1px solid #999; }
.keys .handshake { background: #fff; border: 1px solid var(--line); border-radius: 6px; padding: 8px 12px; margin-bottom: 10px; }
.formula { color: var(--muted); white-space: pre-wrap; margin: 2px 0 6px; }
.value-row { display: grid; grid-template-columns: 230px 1fr; gap: 8px; margin: 2px 0; }
.value-row .label { color: var(--muted); }
.value-row code, td.hex { word-break: break-all; }
table { border-collapse: collapse; margin: 4px 0 8px; }
th, td { border: 1px solid var(--line); padding: 2px 6px; text-align: left; vertical-align: top; }
th { background: #f3f5f8; font-weight: 600; }
.finished { margin: 6px 0; padding: 4px 8px; border-left: 4px solid var(--ok); background: #f4faf5; }
.finished.bad { border-color: var(--bad); background: #fdf3f2; }
table.records tr { cursor: pointer; } table.records tr:hover td { background: #f5f7fa; }
table.records tr.bad td { color: var(--bad); }
pre.text { white-space: pre-wrap; word-break: break-all; background: #f6f7f9; padding: 6px; border-radius: 4px; max-height: 240px; overflow: auto; }
#lab { margin-top: 30px; border-top: 3px solid #333; }
#lab .controls { margin: 8px 0; display: flex; gap: 10px; align-items: center; flex-wrap: wrap; }
#lab-outcome .end { font-weight: 600; margin: 3px 0; }
#lab-change { background: #fff8e1; border: 1px solid #f0d78c; border-radius: 6px; padding: 6px 10px; margin: 8px 0; }
#lab-change input { font-family: ui-monospace, Menlo, Consolas, monospace; }
@media (max-width: 900px) { .split, .bytes-view { grid-template-columns: 1fr; } .ladder { position: static; } }
`;
