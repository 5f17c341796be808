//! The three faces of a simulation: a terminal table, JSON, and a
//! self-contained HTML page (inline CSS, inline SVG charts drawn by
//! plotters), for one program or two side by side.
//!
//! Everything here is a pure function of the [`Simulation`]s: no clock, no
//! file names, no map in hash order, so the same seed gives the same bytes.

use std::fmt::Write as _;

use loyalty_core::analytics::Report;
use plotters::prelude::*;

use crate::Simulation;

/// The rows of the comparison table: a label and one cell per simulation.
fn rows(sims: &[Simulation]) -> Vec<(String, Vec<String>)> {
    let mut rows: Vec<(String, Vec<String>)> = Vec::new();
    let mut row = |label: &str, cell: &dyn Fn(&Simulation) -> String| {
        rows.push((label.to_owned(), sims.iter().map(cell).collect()));
    };
    let pct = |x: f64| format!("{:.1}%", x * 100.0);
    let of = |n: u64, whole: u64| {
        if whole == 0 {
            format!("{n}")
        } else {
            format!("{n} ({:.1}%)", n as f64 * 100.0 / whole as f64)
        }
    };
    row("Program", &|s| s.program.clone());
    row("Population", &|s| {
        format!(
            "{} members, {} days, seed {}",
            s.population.members, s.population.days, s.population.seed
        )
    });
    row("Events applied (refused)", &|s| {
        format!("{} ({})", s.events, s.refused.values().sum::<u64>())
    });
    row("Active members, 30 days", &|s| {
        of(s.report.active_30_days, s.report.members)
    });
    row("Active members, 90 days", &|s| {
        of(s.report.active_90_days, s.report.members)
    });
    row("Visits per member", &|s| {
        format!("{:.1}", s.report.visits_per_member)
    });
    row("Members with a first reward", &|s| {
        of(s.report.first_reward.reached, s.report.members)
    });
    row("Median days to first reward", &|s| {
        s.report
            .first_reward
            .median_days
            .map_or("-".to_owned(), |d| format!("{d:.0}"))
    });
    row("First reward within 90 days", &|s| {
        let f = &s.report.first_reward;
        f.share_within_90_days.map_or("-".to_owned(), |x| {
            format!(
                "{} of {} ({}) {}",
                f.within_90_days,
                f.eligible_90_days,
                pct(x),
                if x >= 0.5 { "PASS" } else { "FAIL" }
            )
        })
    });
    row("Members who redeemed", &|s| {
        format!(
            "{} ({})",
            s.report.members_redeeming,
            pct(s.report.redemption_rate)
        )
    });
    row("Redemptions", &|s| s.report.redemptions.to_string());
    row("Points issued / redeemed / expired", &|s| {
        let p = &s.report.points;
        format!("{} / {} / {}", p.issued, p.redeemed, p.expired)
    });
    row("Vouchers issued / redeemed / expired", &|s| {
        let v = &s.report.vouchers;
        format!("{} / {} / {}", v.issued, v.redeemed, v.expired)
    });
    row("Breakage (points, vouchers)", &|s| {
        let b = &s.report.breakage;
        format!(
            "{}, {}",
            b.points.map_or("-".to_owned(), pct),
            b.vouchers.map_or("-".to_owned(), pct)
        )
    });
    row("Sales", &|s| s.report.sales.to_string());
    row("Rewards given (share of sales)", &|s| {
        format!(
            "{} ({})",
            s.report.rewards_given,
            pct(s.verdict.cost_share_of_sales)
        )
    });
    row("Liability: points (value)", &|s| {
        let l = &s.report.liability;
        format!("{} pts at {} = {}", l.points, l.point_value, l.points_value)
    });
    row("Liability: wallets, vouchers", &|s| {
        let l = &s.report.liability;
        format!(
            "{}, {} voucher(s) ~ {}",
            l.wallet, l.open_vouchers, l.vouchers_value
        )
    });
    row("Liability: total", &|s| {
        s.report.liability.total.to_string()
    });
    row("Tier mix", &|s| {
        if s.report.tiers.is_empty() {
            return "-".to_owned();
        }
        s.report
            .tiers
            .iter()
            .map(|(t, n)| format!("{t} {n}"))
            .collect::<Vec<_>>()
            .join(", ")
    });
    row("Subscriptions (retention)", &|s| {
        let sub = &s.report.subscriptions;
        match sub.retention {
            None => "-".to_owned(),
            Some(r) => format!("{} active of {} ({})", sub.active, sub.subscribers, pct(r)),
        }
    });
    let mut rules: Vec<String> = sims
        .iter()
        .flat_map(|s| s.report.earning_by_rule.keys().cloned())
        .collect();
    rules.sort();
    rules.dedup();
    for rule in rules {
        let label = format!("Rule `{rule}`");
        row(&label, &|s| {
            s.report
                .earning_by_rule
                .get(&rule)
                .map_or("-".to_owned(), |r| {
                    let mut parts = vec![format!("{}x", r.times)];
                    if r.points != 0 {
                        parts.push(format!("{} pts", r.points));
                    }
                    if r.stamps != 0 {
                        parts.push(format!("{} stamps", r.stamps));
                    }
                    if r.vouchers != 0 {
                        parts.push(format!("{} vouchers", r.vouchers));
                    }
                    parts.join(", ")
                })
        });
    }
    rows
}

/// A plain-text table for the terminal, one column per simulation, ending
/// with each simulation's verdict.
pub fn table(sims: &[Simulation]) -> String {
    let rows = rows(sims);
    let label_width = rows
        .iter()
        .map(|(l, _)| l.chars().count())
        .max()
        .unwrap_or(0);
    let widths: Vec<usize> = (0..sims.len())
        .map(|i| {
            rows.iter()
                .filter_map(|(_, cells)| cells.get(i))
                .map(|c| c.chars().count())
                .max()
                .unwrap_or(0)
        })
        .collect();
    let mut out = String::new();
    let rule: String = std::iter::once(label_width)
        .chain(widths.iter().copied())
        .map(|w| "-".repeat(w + 2))
        .collect::<Vec<_>>()
        .join("+");
    for (n, (label, cells)) in rows.iter().enumerate() {
        let _ = write!(out, " {label:<label_width$} ");
        for (cell, width) in cells.iter().zip(&widths) {
            let _ = write!(out, "| {cell:<width$} ");
        }
        out = out.trim_end().to_owned();
        out.push('\n');
        if n == 0 {
            out.push_str(&rule);
            out.push('\n');
        }
    }
    out.push('\n');
    for s in sims {
        let _ = writeln!(out, "{}: {}", s.program, s.verdict.summary);
    }
    out
}

/// Pretty JSON of one simulation, or an array of two for a comparison.
pub fn json(sims: &[Simulation]) -> String {
    let text = match sims {
        [one] => serde_json::to_string_pretty(one),
        many => serde_json::to_string_pretty(many),
    };
    text.unwrap_or_else(|e| format!("{{\"error\": {:?}}}", e.to_string()))
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

const CSS: &str = "
body { font-family: system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif; margin: 24px; color: #1d2430; background: #f6f7f9; }
h1 { font-size: 24px; margin: 0 0 4px; }
h2 { font-size: 18px; margin: 28px 0 8px; }
p.lead { color: #566070; margin: 0 0 16px; }
.verdicts { display: grid; gap: 12px; grid-template-columns: repeat(auto-fit, minmax(320px, 1fr)); }
.verdict { border-radius: 8px; padding: 12px 16px; background: #fff; border-left: 6px solid #b23b3b; }
.verdict.pass { border-left-color: #2f8f4e; }
.verdict b { display: block; margin-bottom: 4px; }
table { border-collapse: collapse; background: #fff; width: 100%; font-size: 14px; }
th, td { text-align: left; padding: 6px 10px; border-bottom: 1px solid #e3e6ea; vertical-align: top; }
th { background: #eef1f5; }
.charts { display: grid; gap: 16px; grid-template-columns: repeat(auto-fit, minmax(520px, 1fr)); }
.chart { background: #fff; border-radius: 8px; padding: 8px; }
.chart svg { width: 100%; height: auto; }
footer { margin-top: 24px; color: #566070; font-size: 13px; }
";

/// A self-contained HTML report: verdicts, the table, and for each
/// simulation four charts (first-reward attainment, points issued vs
/// redeemed, liability, tier mix) as inline SVG.
pub fn html(sims: &[Simulation]) -> String {
    let mut out = String::new();
    let title = match sims {
        [one] => format!("Loyalty simulation: {}", one.program),
        _ => "Loyalty simulation: two programs compared".to_owned(),
    };
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>{}</title>\n<style>{CSS}</style>\n</head>\n<body>\n<h1>{}</h1>\n",
        escape(&title),
        escape(&title)
    );
    let _ = writeln!(
        out,
        "<p class=\"lead\">The seeds' test: do at least 50% of active members earn a first reward within three months, and what does it cost? Synthetic members, the real engine.</p>"
    );
    out.push_str("<div class=\"verdicts\">\n");
    for s in sims {
        let _ = writeln!(
            out,
            "<div class=\"verdict{}\"><b>{}</b>{}</div>",
            if s.verdict.passes { " pass" } else { "" },
            escape(&s.program),
            escape(&s.verdict.summary)
        );
    }
    out.push_str("</div>\n<h2>Figures</h2>\n<table>\n");
    for (n, (label, cells)) in rows(sims).iter().enumerate() {
        let tag = if n == 0 { "th" } else { "td" };
        let _ = write!(out, "<tr><th>{}</th>", escape(label));
        for cell in cells {
            let _ = write!(out, "<{tag}>{}</{tag}>", escape(cell));
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</table>\n");
    for s in sims {
        let _ = writeln!(
            out,
            "<h2>{}</h2>\n<div class=\"charts\">",
            escape(&s.program)
        );
        for svg in charts(&s.report) {
            let _ = writeln!(out, "<div class=\"chart\">{svg}</div>");
        }
        out.push_str("</div>\n");
    }
    let _ = writeln!(
        out,
        "<footer>Generated by loyalty-sim. Same program, population and seed: same report, byte for byte.</footer>\n</body>\n</html>"
    );
    out
}

const COLORS: [RGBColor; 6] = [
    RGBColor(0x2b, 0x6c, 0xb0),
    RGBColor(0xd9, 0x7a, 0x1e),
    RGBColor(0x2f, 0x8f, 0x4e),
    RGBColor(0xb2, 0x3b, 0x3b),
    RGBColor(0x7a, 0x4f, 0xa8),
    RGBColor(0x55, 0x60, 0x70),
];

/// One line of a chart: name and values per week.
struct Series {
    name: String,
    values: Vec<f64>,
}

fn charts(report: &Report) -> Vec<String> {
    let weeks: Vec<String> = report.weekly.iter().map(|w| w.week_start.clone()).collect();
    let attainment = Series {
        name: "members with a first reward (%)".to_owned(),
        values: report
            .weekly
            .iter()
            .map(|w| {
                if w.enrolled == 0 {
                    0.0
                } else {
                    w.first_rewards as f64 * 100.0 / w.enrolled as f64
                }
            })
            .collect(),
    };
    let issued = Series {
        name: "points issued".to_owned(),
        values: report
            .weekly
            .iter()
            .map(|w| w.points_issued as f64)
            .collect(),
    };
    let redeemed = Series {
        name: "points redeemed".to_owned(),
        values: report
            .weekly
            .iter()
            .map(|w| w.points_redeemed as f64)
            .collect(),
    };
    let expired = Series {
        name: "points expired".to_owned(),
        values: report
            .weekly
            .iter()
            .map(|w| w.points_expired as f64)
            .collect(),
    };
    let liability = Series {
        name: "liability (money)".to_owned(),
        values: report
            .weekly
            .iter()
            .map(|w| w.liability.to_string().parse().unwrap_or(0.0))
            .collect(),
    };
    let mut tiers: Vec<String> = report
        .weekly
        .iter()
        .flat_map(|w| w.tiers.keys().cloned())
        .collect();
    tiers.sort();
    tiers.dedup();
    let tier_series: Vec<Series> = tiers
        .iter()
        .map(|t| Series {
            name: t.clone(),
            values: report
                .weekly
                .iter()
                .map(|w| w.tiers.get(t).copied().unwrap_or(0) as f64)
                .collect(),
        })
        .collect();
    vec![
        line_chart(
            "First-reward attainment (cumulative)",
            &weeks,
            &[attainment],
            Some(100.0),
        ),
        line_chart(
            "Points issued vs redeemed, per week",
            &weeks,
            &[issued, redeemed, expired],
            None,
        ),
        line_chart("Outstanding liability", &weeks, &[liability], None),
        if tier_series.is_empty() {
            "<p>No tiers in this program.</p>".to_owned()
        } else {
            line_chart("Tier mix (members per tier)", &weeks, &tier_series, None)
        },
    ]
}

/// A line chart as an SVG string; a short note instead if drawing fails.
fn line_chart(title: &str, weeks: &[String], series: &[Series], top: Option<f64>) -> String {
    let mut svg = String::new();
    let drawn = draw(&mut svg, title, weeks, series, top);
    match drawn {
        Ok(()) => svg,
        Err(e) => format!(
            "<p>{}: the chart could not be drawn ({})</p>",
            escape(title),
            escape(&e)
        ),
    }
}

fn draw(
    svg: &mut String,
    title: &str,
    weeks: &[String],
    series: &[Series],
    top: Option<f64>,
) -> Result<(), String> {
    let n = weeks.len().max(2);
    let highest = series
        .iter()
        .flat_map(|s| s.values.iter().copied())
        .fold(0.0_f64, f64::max);
    let top = top.unwrap_or(if highest > 0.0 { highest * 1.1 } else { 1.0 });
    let root = SVGBackend::with_string(svg, (640, 340)).into_drawing_area();
    root.fill(&WHITE).map_err(|e| e.to_string())?;
    let mut chart = ChartBuilder::on(&root)
        .caption(title, ("sans-serif", 18))
        .margin(12)
        .x_label_area_size(34)
        .y_label_area_size(64)
        .build_cartesian_2d(0..n - 1, 0.0..top)
        .map_err(|e| e.to_string())?;
    let label = |i: &usize| weeks.get(*i).cloned().unwrap_or_default();
    chart
        .configure_mesh()
        .x_labels(6)
        .y_labels(6)
        .x_label_formatter(&label)
        .y_label_formatter(&|v| format!("{v:.0}"))
        .light_line_style(RGBColor(0xee, 0xee, 0xee))
        .draw()
        .map_err(|e| e.to_string())?;
    for (k, s) in series.iter().enumerate() {
        let color = COLORS.get(k % COLORS.len()).copied().unwrap_or(BLACK);
        chart
            .draw_series(LineSeries::new(
                s.values.iter().enumerate().map(|(i, v)| (i, *v)),
                color.stroke_width(2),
            ))
            .map_err(|e| e.to_string())?
            .label(s.name.clone())
            .legend(move |(x, y)| {
                PathElement::new(vec![(x, y), (x + 18, y)], color.stroke_width(2))
            });
    }
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::UpperLeft)
        .background_style(WHITE.mix(0.85))
        .border_style(RGBColor(0xcc, 0xcc, 0xcc))
        .draw()
        .map_err(|e| e.to_string())?;
    root.present().map_err(|e| e.to_string())?;
    Ok(())
}
