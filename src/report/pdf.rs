//! PDF versions of the reports a leader sends on: the annual report (each
//! table with a bar chart, like seed 003's) and the monthly settlement.
//! Drawn with printpdf (vector text and shapes, DejaVu Sans embedded so
//! æ, ø, å print). Charts are drawn from the *published* cells only: a
//! suppressed count gets a hatched-looking grey stub labelled "<5" or "x",
//! never a bar of its true height.

use printpdf::{
    Color, IndirectFontRef, Line, Mm, PdfDocument, PdfDocumentReference, PdfLayerReference, Point, Polygon, Rgb,
};

use super::annual::AnnualReport;
use super::settlement::Settlement;
use super::table::{Cell, Table};
use crate::error::{Error, Result};

const REGULAR: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans.ttf");
const BOLD: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans-Bold.ttf");

const PAGE_W: f32 = 210.0;
const PAGE_H: f32 = 297.0;
const MARGIN: f32 = 20.0;

struct Writer {
    doc: PdfDocumentReference,
    layer: PdfLayerReference,
    regular: IndirectFontRef,
    bold: IndirectFontRef,
    /// Distance from the top of the page, in mm.
    y: f32,
    page: usize,
    footer: String,
}

fn pdf_error(_: impl std::fmt::Debug) -> Error {
    Error::Io(std::io::Error::other("pdf"))
}

/// `text` in lines of at most `width` characters, broken between words.
fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines = vec![String::new()];
    for word in text.split_whitespace() {
        let last = lines.last_mut().map(|l| l.chars().count()).unwrap_or(0);
        if last > 0 && last + 1 + word.chars().count() > width {
            lines.push(String::new());
        }
        if let Some(l) = lines.last_mut() {
            if !l.is_empty() {
                l.push(' ');
            }
            l.push_str(word);
        }
    }
    lines
}

/// A PDF text string (PDF 1.7 §7.9.2.2): UTF-16BE with a byte-order mark.
/// Plain ASCII is the same in PDFDocEncoding and is left as it is.
pub fn text_string(s: &str) -> Vec<u8> {
    let mut out = vec![0xfe, 0xff];
    for unit in s.encode_utf16() {
        out.extend_from_slice(&unit.to_be_bytes());
    }
    out
}

/// printpdf writes the document information (title, author, subject, …) as
/// raw UTF-8, which readers take as PDFDocEncoding ("Ã…rsrapport"): every
/// such string that is not plain ASCII is rewritten as a text string.
fn text_strings(pdf: Vec<u8>) -> Result<Vec<u8>> {
    use printpdf::lopdf::{Document, Object};
    let mut doc = Document::load_mem(&pdf).map_err(pdf_error)?;
    let info = doc.trailer.get(b"Info").and_then(Object::as_reference).map_err(pdf_error)?;
    let dict = doc.get_object_mut(info).and_then(Object::as_dict_mut).map_err(pdf_error)?;
    for (_, value) in dict.iter_mut() {
        if let Object::String(bytes, _) = value {
            if !bytes.is_ascii() {
                let text = String::from_utf8_lossy(bytes).into_owned();
                *bytes = text_string(&text);
            }
        }
    }
    let mut out = Vec::new();
    doc.save_to(&mut out).map_err(pdf_error)?;
    Ok(out)
}

fn rgb(r: f32, g: f32, b: f32) -> Color {
    Color::Rgb(Rgb::new(r, g, b, None))
}

impl Writer {
    /// A document with `title` and `author` (the unit) in its metadata.
    fn new(title: &str, footer: &str, author: &str) -> Result<Writer> {
        let (doc, page, layer) = PdfDocument::new(title, Mm(PAGE_W), Mm(PAGE_H), "Side 1");
        let producer = concat!("Tovholder ", env!("CARGO_PKG_VERSION"));
        let doc = doc.with_author(author).with_creator(producer).with_producer(producer).with_subject(title);
        let regular = doc.add_external_font(REGULAR).map_err(pdf_error)?;
        let bold = doc.add_external_font(BOLD).map_err(pdf_error)?;
        let layer = doc.get_page(page).get_layer(layer);
        let mut w = Writer { doc, layer, regular, bold, y: MARGIN, page: 1, footer: footer.to_string() };
        w.draw_footer();
        Ok(w)
    }

    fn draw_footer(&mut self) {
        let text = format!("{} · side {}", self.footer, self.page);
        self.layer.set_fill_color(rgb(0.4, 0.4, 0.4));
        self.layer.use_text(text, 8.0, Mm(MARGIN), Mm(10.0), &self.regular);
        self.layer.set_fill_color(rgb(0.0, 0.0, 0.0));
    }

    fn new_page(&mut self) {
        self.page += 1;
        let (page, layer) = self.doc.add_page(Mm(PAGE_W), Mm(PAGE_H), format!("Side {}", self.page));
        self.layer = self.doc.get_page(page).get_layer(layer);
        self.y = MARGIN;
        self.draw_footer();
    }

    /// Room for `mm` more, or a new page.
    fn need(&mut self, mm: f32) {
        if self.y + mm > PAGE_H - MARGIN {
            self.new_page();
        }
    }

    fn text(&mut self, s: &str, size: f32, x: f32, bold: bool) {
        let font = if bold { &self.bold } else { &self.regular };
        self.layer.use_text(s, size, Mm(x), Mm(PAGE_H - self.y), font);
    }

    fn line(&mut self, x1: f32, y1: f32, x2: f32, y2: f32) {
        let line = Line {
            points: vec![(Point::new(Mm(x1), Mm(PAGE_H - y1)), false), (Point::new(Mm(x2), Mm(PAGE_H - y2)), false)],
            is_closed: false,
        };
        self.layer.add_line(line);
    }

    fn rect(&mut self, x: f32, y: f32, w: f32, h: f32, color: Color) {
        self.layer.set_fill_color(color);
        let (top, bottom) = (PAGE_H - y, PAGE_H - y - h);
        let ring = vec![
            (Point::new(Mm(x), Mm(bottom)), false),
            (Point::new(Mm(x + w), Mm(bottom)), false),
            (Point::new(Mm(x + w), Mm(top)), false),
            (Point::new(Mm(x), Mm(top)), false),
        ];
        self.layer.add_polygon(Polygon {
            rings: vec![ring],
            mode: printpdf::path::PaintMode::Fill,
            winding_order: printpdf::path::WindingOrder::NonZero,
        });
        self.layer.set_fill_color(rgb(0.0, 0.0, 0.0));
    }

    fn heading(&mut self, s: &str) {
        self.need(14.0);
        self.y += 8.0;
        self.text(s, 12.0, MARGIN, true);
        self.y += 4.0;
    }

    /// A table: label column and value columns, a rule under the header.
    fn table(&mut self, t: &Table) {
        let label_w = 75.0;
        let col_w = ((PAGE_W - 2.0 * MARGIN - label_w) / t.columns.len().max(1) as f32).min(25.0);
        self.need(7.0 * (t.rows.len() as f32 + 2.0));
        self.y += 5.0;
        self.text(&t.row_header, 9.0, MARGIN, true);
        for (i, c) in t.columns.iter().enumerate() {
            self.text(c, 9.0, MARGIN + label_w + col_w * i as f32, true);
        }
        self.y += 1.5;
        self.line(MARGIN, self.y, PAGE_W - MARGIN, self.y);
        for (label, cells) in &t.rows {
            self.y += 5.0;
            let bold = t.totals && label == "I alt";
            self.text(label, 9.0, MARGIN, bold);
            for (i, c) in cells.iter().enumerate() {
                self.text(&c.text(), 9.0, MARGIN + label_w + col_w * i as f32, bold);
            }
        }
        if let Some(n) = &t.note {
            for line in wrap(n, 105) {
                self.y += 4.0;
                self.text(&line, 8.0, MARGIN, false);
            }
        }
    }

    /// A horizontal bar chart of the table's first column, published cells only.
    fn chart(&mut self, t: &Table) {
        let rows: Vec<&(String, Vec<Cell>)> = t.rows.iter().filter(|(l, _)| !(t.totals && l == "I alt")).collect();
        if rows.is_empty() {
            return;
        }
        let max = rows
            .iter()
            .filter_map(|(_, c)| match c.first() {
                Some(Cell::Count(n)) => Some(*n),
                _ => None,
            })
            .max()
            .unwrap_or(0)
            .max(5) as f32;
        let bar_h = 4.0;
        self.need((bar_h + 2.0) * rows.len() as f32 + 8.0);
        self.y += 4.0;
        let x0 = MARGIN + 55.0;
        let width = PAGE_W - MARGIN - x0 - 15.0;
        let top_of_chart = self.y;
        for (label, cells) in rows {
            self.y += bar_h + 2.0;
            self.text(label, 7.5, MARGIN, false);
            let top = self.y - bar_h + 0.5;
            match cells.first().copied().unwrap_or(Cell::Count(0)) {
                Cell::Count(n) => {
                    let w = width * n as f32 / max;
                    if w > 0.0 {
                        self.rect(x0, top, w, bar_h, rgb(0.12, 0.42, 0.45));
                    }
                    self.text(&n.to_string(), 7.5, x0 + w + 1.5, false);
                }
                c => {
                    // A short grey stub, not a bar: the true height is not published.
                    self.rect(x0, top, 2.5, bar_h, rgb(0.7, 0.7, 0.7));
                    self.text(&c.text(), 7.5, x0 + 4.0, false);
                }
            }
        }
        self.line(x0, top_of_chart + 1.0, x0, self.y + 1.0);
    }

    /// A grouped bar chart of a table with several columns (years side by
    /// side): per row one bar for each column, the total column left out,
    /// published cells only, with a legend of the columns.
    fn chart_grouped(&mut self, t: &Table) {
        let rows: Vec<&(String, Vec<Cell>)> = t.rows.iter().filter(|(l, _)| !(t.totals && l == "I alt")).collect();
        let cols = if t.totals { t.columns.len().saturating_sub(1) } else { t.columns.len() };
        if rows.is_empty() || cols == 0 {
            return;
        }
        let max = rows
            .iter()
            .flat_map(|(_, c)| c.iter().take(cols))
            .filter_map(|c| match c {
                Cell::Count(n) => Some(*n),
                _ => None,
            })
            .max()
            .unwrap_or(0)
            .max(5) as f32;
        let shades = [rgb(0.62, 0.80, 0.82), rgb(0.38, 0.64, 0.67), rgb(0.12, 0.42, 0.45), rgb(0.05, 0.25, 0.28)];
        let shade = |j: usize| shades[(j + shades.len() - cols.min(shades.len())) % shades.len()].clone();
        let bar_h = 1.6;
        let group_h = bar_h * cols as f32 + 2.5;
        self.need(group_h * rows.len() as f32 + 14.0);
        self.y += 5.0;
        // Legend.
        let x0 = MARGIN + 55.0;
        for (j, c) in t.columns.iter().take(cols).enumerate() {
            let x = x0 + 18.0 * j as f32;
            self.rect(x, self.y - 2.2, 3.0, 2.5, shade(j));
            self.text(c, 7.5, x + 4.0, false);
        }
        self.y += 2.0;
        let width = PAGE_W - MARGIN - x0 - 15.0;
        let top_of_chart = self.y;
        for (label, cells) in rows {
            let group_top = self.y + 1.0;
            // The label's baseline at the middle of its group of bars.
            self.y = group_top + bar_h * cols as f32 / 2.0 + 1.2;
            self.text(label, 7.5, MARGIN, false);
            self.y = group_top - 1.0 + group_h;
            for (j, c) in cells.iter().take(cols).enumerate() {
                let top = group_top + bar_h * j as f32;
                match c {
                    Cell::Count(n) => {
                        let w = width * *n as f32 / max;
                        if w > 0.0 {
                            self.rect(x0, top, w, bar_h - 0.2, shade(j));
                        }
                    }
                    _ => {
                        // A short grey stub: the true height is not published.
                        self.rect(x0, top, 1.5, bar_h - 0.2, rgb(0.7, 0.7, 0.7));
                    }
                }
            }
        }
        self.line(x0, top_of_chart + 0.5, x0, self.y + 0.5);
        self.y += 3.0;
        self.text("Grå stump: tallet er under 5 eller skjult og tegnes ikke.", 7.0, x0, false);
    }

    fn finish(self) -> Result<Vec<u8>> {
        text_strings(self.doc.save_to_bytes().map_err(pdf_error)?)
    }
}

/// The annual report as a PDF: a title page section, then each table with
/// its chart.
pub fn annual_pdf(report: &AnnualReport, unit: &str) -> Result<Vec<u8>> {
    let mut w =
        Writer::new(&format!("Årsrapport {}", report.year), &format!("{unit} · årsrapport {}", report.year), unit)?;
    w.y += 10.0;
    w.text(&format!("Årsrapport {}", report.year), 20.0, MARGIN, true);
    w.y += 8.0;
    w.text(unit, 12.0, MARGIN, false);
    if let Some(m) = &report.municipality {
        w.y += 6.0;
        w.text(&format!("Borgere fra {m}"), 11.0, MARGIN, false);
    }
    w.y += 8.0;
    w.text(&format!("{} personer i alkoholbehandling i {}.", report.people_text(), report.year), 10.0, MARGIN, false);
    w.y += 5.0;
    w.text("Tal fra 1 til 4 vises som «<5»; «x» er et skjult tal på 5 eller derover, skjult så et", 8.5, MARGIN, false);
    w.y += 4.0;
    w.text("tal under 5 ikke kan regnes ud af resten af rapporten (se tabellernes noter).", 8.5, MARGIN, false);
    for t in &report.tables {
        let chart = t.columns.len() == 1;
        // Keep the heading, the table and its chart on one page.
        let rows = t.rows.len() as f32;
        let cols = t.columns.len() as f32;
        let notes = t.note.as_deref().map(|n| wrap(n, 105).len()).unwrap_or(0) as f32;
        let height = 12.0
            + 5.0 * (rows + 1.0)
            + 4.0 * notes
            + 8.0
            + if chart { 6.0 * rows + 8.0 } else { (1.6 * cols + 2.5) * rows + 14.0 };
        w.need(height);
        w.heading(&t.title);
        w.table(t);
        if chart {
            w.chart(t);
        } else {
            w.chart_grouped(t);
        }
    }
    w.finish()
}

/// The approximate width in mm of `text` in DejaVu Sans at `size` points,
/// for right-aligning amounts (digits, separators and "kr." only need be right).
fn text_width(text: &str, size: f32) -> f32 {
    let em: f32 = text
        .chars()
        .map(|c| match c {
            '0'..='9' => 0.636,
            '.' | ',' | ' ' => 0.3179,
            'k' => 0.579,
            'r' => 0.411,
            _ => 0.6,
        })
        .sum();
    em * size * 0.3528
}

/// The settlement as a PDF for the paying municipality: a line per citizen
/// and course (name, CPR, course, period and days, amount), the total last.
pub fn settlement_pdf(s: &Settlement, provider_name: &str) -> Result<Vec<u8>> {
    let payer = format!("{} Kommune ({})", s.payer_name, s.payer);
    let mut w =
        Writer::new(&format!("Afregning {}", s.period), &format!("Afregning {} · {payer}", s.period), provider_name)?;
    w.y += 10.0;
    w.text(&format!("Afregning {} til {payer}", s.period), 16.0, MARGIN, true);
    w.y += 7.0;
    w.text(&format!("Fra {provider_name}. {} linjer.", s.lines.len()), 10.0, MARGIN, false);
    w.y += 10.0;
    let right = PAGE_W - MARGIN;
    let cols = [MARGIN, MARGIN + 48.0, MARGIN + 77.0, MARGIN + 111.0];
    for (x, h) in cols.iter().zip(["Borger", "CPR-nummer", "Forløb", "Periode"]) {
        w.text(h, 9.0, *x, true);
    }
    // Bold DejaVu Sans is about a tenth wider than the regular face.
    w.text("Beløb", 9.0, right - text_width("Beløb", 9.0) * 1.1, true);
    w.y += 1.5;
    w.line(MARGIN, w.y, right, w.y);
    for l in &s.lines {
        w.need(6.0);
        w.y += 5.0;
        let client: String = if l.client.chars().count() > 26 {
            l.client.chars().take(25).chain(['…']).collect()
        } else {
            l.client.clone()
        };
        w.text(&client, 8.5, cols[0], false);
        let cpr = if l.cpr.len() == 10 { format!("{}-{}", &l.cpr[..6], &l.cpr[6..]) } else { l.cpr.clone() };
        w.text(&cpr, 8.5, cols[1], false);
        let kind = l.course_label.split(" (").next().unwrap_or(&l.course_label).to_string();
        w.text(&kind, 8.5, cols[2], false);
        w.text(&format!("{} – {}, {} dage", l.from.format("%d-%m"), l.to.format("%d-%m"), l.days), 8.5, cols[3], false);
        let amount = l.amount.danish();
        w.text(&amount, 8.5, right - text_width(&amount, 8.5), false);
    }
    w.y += 3.0;
    w.line(MARGIN, w.y, right, w.y);
    w.y += 5.0;
    w.text("I alt", 9.0, cols[0], true);
    let total = s.total.danish();
    w.text(&total, 9.0, right - text_width(&total, 9.0) * 1.1, true);
    w.finish()
}

/// The monthly case-review list as a printable form: each active client with
/// children under 18, each child's situation, the review questions with room
/// for the answers, and a line for the decision.
pub fn case_review_pdf(list: &crate::model::views::CaseReviewList, unit: &str) -> Result<Vec<u8>> {
    let on = crate::model::time::danish(list.on);
    let mut w = Writer::new(&format!("Sagsmøde {on}"), &format!("{unit} · sagsmøde {on} · fortroligt"), unit)?;
    w.y += 10.0;
    w.text(&format!("Sagsmøde {on}"), 18.0, MARGIN, true);
    w.y += 7.0;
    w.text(&format!("{unit}: aktive klienter med børn under 18 ({})", list.clients.len()), 10.0, MARGIN, false);
    for c in &list.clients {
        for ch in &c.children {
            let height = 30.0 + 7.0 * list.questions.len() as f32;
            w.need(height);
            w.heading(&format!("{} – {} ({} år)", c.name, ch.name, ch.age));
            w.y += 5.0;
            w.text(&format!("Tovholder: {}", c.case_owner.join(", ")), 8.5, MARGIN, false);
            w.y += 4.5;
            w.text(
                &format!("Forældremyndighed: {}. Bopæl: {}.", ch.custody.label, ch.residence.label),
                8.5,
                MARGIN,
                false,
            );
            // The visitation is free text: a line of its own, cut to the page's width.
            if let Some(v) = ch.visitation.as_deref().filter(|v| !v.trim().is_empty()) {
                let v: String =
                    if v.chars().count() > 90 { v.chars().take(89).chain(['…']).collect() } else { v.into() };
                w.y += 4.5;
                w.text(&format!("Samvær: {v}"), 8.5, MARGIN, false);
            }
            w.y += 4.5;
            w.text(
                &format!(
                    "Sag i familieafdelingen: {}. Bekymring: {}. Underretninger: {}. Nødplan: {}.",
                    if ch.family_case { "ja" } else { "nej" },
                    ch.concern.label,
                    ch.notifications,
                    if ch.has_emergency_plan { "ja" } else { "nej" }
                ),
                8.5,
                MARGIN,
                false,
            );
            if let Some((d, decision)) = &ch.last_decision {
                w.y += 4.5;
                w.text(
                    &format!("Sidste beslutning ({}): {decision}", crate::model::time::danish(*d)),
                    8.5,
                    MARGIN,
                    false,
                );
            }
            w.y += 2.0;
            for (i, q) in list.questions.iter().enumerate() {
                w.y += 6.0;
                w.text(&format!("{}. {}", i + 1, q.label), 8.5, MARGIN, false);
                w.line(MARGIN + 112.0, w.y + 0.5, PAGE_W - MARGIN, w.y + 0.5);
            }
            w.y += 7.0;
            w.text("Beslutning og ansvarlig:", 8.5, MARGIN, true);
            w.line(MARGIN + 45.0, w.y + 0.5, PAGE_W - MARGIN, w.y + 0.5);
        }
    }
    w.finish()
}

/// A citizen's insight report as a PDF: the whole record (the lines of
/// `insight::record_text`, each section's heading in bold), then every
/// access to it.
pub fn person_report_pdf(r: &crate::security::backup::PersonReport, unit: &str) -> Result<Vec<u8>> {
    let on = crate::model::time::danish(r.made_on);
    let name = &r.record.client.name;
    let mut w = Writer::new(&format!("Indsigt – {name}"), &format!("{unit} · indsigt {on} · fortroligt"), unit)?;
    w.y += 10.0;
    w.text(&format!("Indsigt – {name}"), 18.0, MARGIN, true);
    w.y += 7.0;
    w.text(&format!("Alt, hvad {unit} har registreret om borgeren, udskrevet {on}."), 10.0, MARGIN, false);
    w.y += 4.0;
    let lines = |w: &mut Writer, text: &str| {
        for line in text.lines() {
            if line.trim().is_empty() {
                w.y += 2.5;
                continue;
            }
            let indent = line.len() - line.trim_start().len();
            let bold = indent == 0;
            if bold {
                w.need(14.0);
                w.y += 3.0;
            }
            for part in wrap(line.trim_start(), 100usize.saturating_sub(indent * 2)) {
                w.need(5.0);
                w.y += 4.5;
                w.text(&part, if bold { 10.0 } else { 8.5 }, MARGIN + indent as f32 * 2.0, bold);
            }
        }
    };
    lines(&mut w, &super::insight::record_text(&r.record));
    w.heading("Hvem har set eller ændret journalen");
    let access = super::insight::access_lines(r);
    if access.is_empty() {
        lines(&mut w, "  Ingen adgang registreret.");
    }
    for a in access {
        lines(&mut w, &format!("  {a}"));
    }
    w.finish()
}
