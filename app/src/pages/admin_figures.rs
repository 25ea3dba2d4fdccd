//! `/admin/hotels/{id}/figures?year=`: a hotel's year by month (occupancy, ADR, RevPAR,
//! revenue, room-nights, bookings, cancellations), as a bar chart drawn on the server (SVG, no
//! JavaScript needed) with the same numbers in a table under it.
use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};

use crate::api::desk::hotel_figures;
use crate::components::{PageTitle, RequireUser, failed};
use crate::i18n::{t, t_string, use_i18n};
use crate::model::User;
use crate::model::figures::{HotelFigures, MonthFigures};
use chrono::Datelike;

#[component]
pub fn AdminFiguresPage() -> impl IntoView {
    let i18n = use_i18n();
    let params = use_params_map();
    let query = use_query_map();
    let key = move || {
        (
            params.with(|params| params.get("id").unwrap_or_default()),
            query.with(|query| query.get("year").unwrap_or_default()),
        )
    };
    let figures = Resource::new(key, |(id, year)| hotel_figures(id, year));
    view! {
        <PageTitle text=move || t_string!(i18n, figures_link).to_string()/>
        <RequireUser children=move |_user: User| {
            view! {
                <section class="back-office">
                    <Suspense fallback=move || view! { <p class="loading">{t!(i18n, loading)}</p> }>
                        {move || figures.get().map(|result| match result {
                            Ok(figures) => view! { <Figures figures/> }.into_any(),
                            Err(error) => failed(error),
                        })}
                    </Suspense>
                </section>
            }
        }/>
    }
}

/// Short month names in the reader's language, January first.
fn month_names() -> Vec<String> {
    let i18n = use_i18n();
    t_string!(i18n, figures_months)
        .split(',')
        .map(str::to_owned)
        .collect()
}

fn percent(permille: i64) -> String {
    format!("{},{} %", permille / 10, permille % 10)
}

#[component]
fn Figures(figures: HotelFigures) -> impl IntoView {
    let i18n = use_i18n();
    let hotel_page = format!("/admin/hotels/{}", figures.hotel_id);
    let year_link = |year: i32| format!("/admin/hotels/{}/figures?year={year}", figures.hotel_id);
    let (previous, next) = (year_link(figures.year - 1), year_link(figures.year + 1));
    let names = month_names();
    let rows = figures
        .months
        .iter()
        .map(|month| {
            let name = names
                .get(month.month.month0() as usize)
                .cloned()
                .unwrap_or_default();
            view! { <FiguresRow label=name figures=*month/> }
        })
        .collect_view();
    let year = figures.year;
    view! {
        <p><a href=hotel_page>{figures.hotel_name.clone()}</a></p>
        <h1>{t!(i18n, figures_title, hotel = figures.hotel_name.clone(), year = year)}</h1>
        <nav class="pager" aria-label=move || t_string!(i18n, figures_link).to_string()>
            <a href=previous rel="prev">"← "{year - 1}</a>
            <a href=next rel="next">{year + 1}" →"</a>
        </nav>
        <OccupancyChart year months=figures.months.clone() names/>
        <div class="table-scroll" role="region" tabindex="0"
            aria-label=move || t_string!(i18n, figures_link).to_string()>
            <table class="table" data-testid="figures-table">
                <thead>
                    <tr>
                        <th scope="col">{t!(i18n, figures_month)}</th>
                        <th scope="col">{t!(i18n, figures_occupancy)}</th>
                        <th scope="col">{t!(i18n, figures_adr)}</th>
                        <th scope="col">{t!(i18n, figures_revpar)}</th>
                        <th scope="col">{t!(i18n, figures_revenue)}</th>
                        <th scope="col">{t!(i18n, figures_nights)}</th>
                        <th scope="col">{t!(i18n, figures_bookings)}</th>
                        <th scope="col">{t!(i18n, figures_cancellations)}</th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
                <tfoot>
                    <FiguresRow label=t_string!(i18n, figures_total).to_string() figures=figures.total/>
                </tfoot>
            </table>
        </div>
        <p class="muted">{t!(i18n, figures_definitions)}</p>
    }
}

#[component]
fn FiguresRow(label: String, figures: MonthFigures) -> impl IntoView {
    let locale = crate::i18n::use_i18n().get_locale();
    let adr = figures
        .adr()
        .map(|adr| crate::format::money(adr, locale))
        .unwrap_or_else(|| "—".to_owned());
    view! {
        <tr data-testid="figures-row">
            <th scope="row">{label}</th>
            <td class="number" data-testid="occupancy">{percent(figures.occupancy_permille())}</td>
            <td class="number" data-testid="adr">{adr}</td>
            <td class="number" data-testid="revpar">{crate::components::money(figures.revpar())}</td>
            <td class="number" data-testid="revenue">{crate::components::money(figures.revenue)}</td>
            <td class="number" data-testid="nights">{format!("{} / {}", figures.sold, figures.available)}</td>
            <td class="number" data-testid="bookings">{figures.bookings}</td>
            <td class="number" data-testid="cancellations">{figures.cancellations}</td>
        </tr>
    }
}

/// Occupancy by month as bars, 0-100 %, drawn on the server.
#[component]
fn OccupancyChart(year: i32, months: Vec<MonthFigures>, names: Vec<String>) -> impl IntoView {
    const WIDTH: i64 = 640;
    const TOP: i64 = 20;
    const PLOT: i64 = 180;
    const LEFT: i64 = 40;
    let i18n = use_i18n();
    let slot = (WIDTH - LEFT) / 12;
    let grid = [0, 25, 50, 75, 100]
        .into_iter()
        .map(|level| {
            let y = TOP + PLOT - PLOT * level / 100;
            view! {
                <line class="chart-grid" x1=LEFT x2=WIDTH y1=y y2=y/>
                <text class="chart-axis" x=LEFT - 6 y=y + 4 text-anchor="end">{format!("{level}%")}</text>
            }
        })
        .collect_view();
    let bars = months
        .iter()
        .enumerate()
        .map(|(i, month)| {
            let permille = month.occupancy_permille().clamp(0, 1000);
            let height = PLOT * permille / 1000;
            let x = LEFT + slot * i as i64 + slot / 6;
            let width = slot * 2 / 3;
            let label = names.get(i).cloned().unwrap_or_default();
            view! {
                <g data-testid="chart-bar">
                    <rect class="chart-bar" x=x y=TOP + PLOT - height width=width height=height/>
                    <text class="chart-value" x=x + width / 2 y=TOP + PLOT - height - 4 text-anchor="middle">
                        {format!("{}%", (permille + 5) / 10)}
                    </text>
                    <text class="chart-axis" x=x + width / 2 y=TOP + PLOT + 16 text-anchor="middle">{label}</text>
                </g>
            }
        })
        .collect_view();
    view! {
        <figure class="chart">
            <figcaption id="chart-title">{t!(i18n, figures_chart_title, year = year)}</figcaption>
            <svg viewBox=format!("0 0 {WIDTH} {}", TOP + PLOT + 24) role="img"
                aria-labelledby="chart-title" aria-describedby="chart-desc" data-testid="figures-chart">
                {grid}
                {bars}
            </svg>
            <p class="muted" id="chart-desc">{t!(i18n, figures_chart_desc)}</p>
        </figure>
    }
}
