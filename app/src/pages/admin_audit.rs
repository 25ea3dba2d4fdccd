//! `/admin/audit`: every staff change the reader may see (admins: all; staff: their hotels'),
//! newest first, narrowed to a hotel with `?hotel_id=`, older pages with `?before=`.
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use crate::api::back_office::audit_log;
use crate::components::{History, PageTitle, RequireUser, failed};
use crate::i18n::{t, t_string, use_i18n};
use crate::model::User;
use crate::model::back_office::{AUDIT_PAGE, AuditEntry};
use crate::model::navigation::with_query;

#[component]
pub fn AdminAuditPage() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let filter = move || {
        query.with(|query| {
            (
                query.get("hotel_id").filter(|id| !id.is_empty()),
                query.get("before").filter(|id| !id.is_empty()),
            )
        })
    };
    let entries = Resource::new(filter, |(hotel_id, before)| audit_log(hotel_id, before));
    view! {
        <PageTitle text=move || t_string!(i18n, audit_title).to_string()/>
        <RequireUser children=move |_user: User| {
            view! {
                <section class="back-office">
                    <p><a href="/admin">{t!(i18n, back_office_title)}</a></p>
                    <h1>{t!(i18n, audit_title)}</h1>
                    <form method="get" class="filter-form">
                        <label class="field">
                            <span>{t!(i18n, audit_hotel_id)}</span>
                            <input type="number" name="hotel_id" min="1"
                                value=move || filter().0.unwrap_or_default()/>
                        </label>
                        <button type="submit" class="button">{t!(i18n, audit_filter)}</button>
                    </form>
                    <Suspense fallback=move || view! { <p class="loading">{t!(i18n, loading)}</p> }>
                        {move || entries.get().map(|result| match result {
                            Ok(entries) => {
                                let hotel_id = filter().0;
                                view! { <Entries entries hotel_id/> }.into_any()
                            }
                            Err(error) => failed(error),
                        })}
                    </Suspense>
                </section>
            }
        }/>
    }
}

#[component]
fn Entries(entries: Vec<AuditEntry>, hotel_id: Option<String>) -> impl IntoView {
    let i18n = use_i18n();
    let older = (entries.len() as i64 >= AUDIT_PAGE).then(|| {
        let last = entries
            .last()
            .map(|entry| entry.id.to_string())
            .unwrap_or_default();
        let mut pairs = vec![("before", last.as_str())];
        if let Some(hotel_id) = hotel_id.as_deref() {
            pairs.push(("hotel_id", hotel_id));
        }
        let href = with_query("/admin/audit", &pairs);
        view! { <p><a href=href>{t!(i18n, audit_older)}</a></p> }
    });
    view! {
        <History entries objects=true/>
        {older}
    }
}
