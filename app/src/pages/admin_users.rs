//! `/admin/users`, for admins: accounts found by email or name, role and status, newest first,
//! 50 a page; each with its hotels and bookings, and forms to make it an admin or a guest, and
//! to disable it (its sessions end at once) or enable it. The filter is a plain GET form (the
//! URL is the list); the actions are POST forms that work without JavaScript.
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use super::auth_form::{FormErrors, latest_error};
use crate::api::accounts::{ChangeAccount, admin_accounts};
use crate::components::{FormError, PageTitle, RequireUser, error_text};
use crate::i18n::{t, t_string, use_i18n};
use crate::model::accounts::{Account, AccountAction, AccountFilterForm, AccountList};
use crate::model::navigation::with_query;
use crate::model::{Role, User, UserId};

const PAGE: &str = "/admin/users";

#[component]
pub fn AdminUsersPage() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let form = move || query.with(|query| AccountFilterForm::from_fields(|name| query.get(name)));
    let change = ServerAction::<ChangeAccount>::new();
    let list = Resource::new(
        move || (form(), change.version().get()),
        |(form, _)| admin_accounts(form),
    );
    view! {
        <PageTitle text=move || t_string!(i18n, users_title).to_string()/>
        <RequireUser admin=true children=move |_admin: User| {
            view! {
                <section class="back-office admin-users">
                    <p><a href="/admin">{t!(i18n, back_office_title)}</a></p>
                    <h1>{t!(i18n, users_title)}</h1>
                    <Suspense fallback=move || view! { <p class="loading">{t!(i18n, loading)}</p> }>
                        {move || list.get().map(|result| {
                            let form = form();
                            match result {
                                Ok(list) => view! { <Listed form list change/> }.into_any(),
                                Err(error) => view! {
                                    <FilterForm form/>
                                    <p class="form-error" role="alert">{error_text(&error)}</p>
                                }
                                .into_any(),
                            }
                        })}
                    </Suspense>
                </section>
            }
        }/>
    }
}

#[component]
fn Listed(
    form: AccountFilterForm,
    list: AccountList,
    change: ServerAction<ChangeAccount>,
) -> impl IntoView {
    let i18n = use_i18n();
    let saved = use_query_map().with_untracked(|query| query.get("saved").is_some());
    let error = latest_error(change.value(), FormErrors::of_page().of("accounts"));
    let page_link = {
        let form = form.clone();
        move |page: u32| {
            let page = page.to_string();
            let mut pairs: Vec<(&str, &str)> = form
                .fields()
                .into_iter()
                .filter(|(name, _)| *name != "page")
                .collect();
            pairs.push(("page", &page));
            with_query(PAGE, &pairs)
        }
    };
    let previous = (list.page > 1).then(|| {
        view! { <a href=page_link(list.page - 1) rel="prev">{t!(i18n, office_bookings_previous)}</a> }
    });
    let next = (list.page < list.pages).then(|| {
        view! { <a href=page_link(list.page + 1) rel="next">{t!(i18n, office_bookings_next)}</a> }
    });
    let (page, total) = (list.page, list.total);
    let rows = list
        .accounts
        .into_iter()
        .map(|account| view! { <AccountRow account reader=list.reader form=form.clone() change/> })
        .collect_view();
    view! {
        <FilterForm form=form.clone()/>
        {saved.then(|| view! { <p class="notice" role="status">{t!(i18n, users_saved)}</p> })}
        <FormError error/>
        <p>{t!(i18n, users_found, n = total)}</p>
        <div class="table-scroll">
            <table class="table" data-testid="users-table">
                <thead>
                    <tr>
                        <th scope="col">{t!(i18n, account_email)}</th>
                        <th scope="col">{t!(i18n, users_name)}</th>
                        <th scope="col">{t!(i18n, account_role)}</th>
                        <th scope="col">{t!(i18n, users_status)}</th>
                        <th scope="col">{t!(i18n, users_hotels)}</th>
                        <th scope="col">{t!(i18n, users_bookings)}</th>
                        <th scope="col">{t!(i18n, users_since)}</th>
                        <th scope="col">{t!(i18n, users_actions)}</th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
        <nav class="pager" aria-label=move || t_string!(i18n, office_bookings_page, page = page).to_string()>
            {previous}
            <span>{t!(i18n, office_bookings_page, page = page)}</span>
            {next}
        </nav>
    }
}

/// An account and a form per action it allows the reader now.
#[component]
fn AccountRow(
    account: Account,
    reader: UserId,
    form: AccountFilterForm,
    change: ServerAction<ChangeAccount>,
) -> impl IntoView {
    let i18n = use_i18n();
    let (user_id, email) = (account.id.to_string(), account.email.clone());
    let actions = account
        .actions(reader)
        .into_iter()
        .map(|action| {
            let label = match action {
                AccountAction::MakeAdmin => t_string!(i18n, users_make_admin),
                AccountAction::MakeGuest => t_string!(i18n, users_make_guest),
                AccountAction::Disable => t_string!(i18n, users_disable),
                AccountAction::Enable => t_string!(i18n, users_enable),
            };
            let class = if action == AccountAction::Disable {
                "button button-danger"
            } else {
                "button"
            };
            let carried = form
                .fields()
                .into_iter()
                .filter(|(_, value)| !value.is_empty())
                .map(|(name, value)| {
                    view! { <input type="hidden" name=format!("filter[{name}]") value=value.to_owned()/> }
                })
                .collect_view();
            let aria = format!("{label}: {email}");
            let user_id = user_id.clone();
            view! {
                <ActionForm action=change attr:class="inline-form">
                    <input type="hidden" name="user_id" value=user_id/>
                    <input type="hidden" name="action" value=action.as_str()/>
                    {carried}
                    <button type="submit" class=class
                        aria-label=aria
                        data-testid=format!("user-{}", action.as_str())>
                        {label}
                    </button>
                </ActionForm>
            }
        })
        .collect_view();
    let role = match account.role {
        Role::Admin => t_string!(i18n, role_admin),
        Role::User => t_string!(i18n, role_user),
    };
    let status = if account.disabled {
        view! { <span class="badge account-disabled">{t!(i18n, users_disabled)}</span> }.into_any()
    } else {
        view! { <span class="badge badge-ok">{t!(i18n, users_active)}</span> }.into_any()
    };
    view! {
        <tr data-testid="user-row" data-email=account.email.clone()>
            <td>{account.email.clone()}</td>
            <td>{account.full_name.unwrap_or_default()}</td>
            <td>{role}</td>
            <td>{status}</td>
            <td>{account.hotels}</td>
            <td>{account.bookings}</td>
            <td>{crate::components::day(account.created_at.date_naive())}</td>
            <td><div class="row-actions">{actions}</div></td>
        </tr>
    }
}

/// The filter: a GET form to this page, filled with the URL's values.
#[component]
fn FilterForm(form: AccountFilterForm) -> impl IntoView {
    let i18n = use_i18n();
    let option = move |value: &'static str, label: String, current: &str| {
        let selected = value == current;
        view! { <option value=value selected=selected>{label}</option> }
    };
    view! {
        <form method="get" action=PAGE class="filter-form" data-testid="users-filter">
            <label class="field">
                <span>{t!(i18n, users_query)}</span>
                <input type="search" name="q" value=form.q.clone() maxlength="254"
                    data-testid="users-q"/>
            </label>
            <label class="field">
                <span>{t!(i18n, account_role)}</span>
                <select name="role" data-testid="users-role">
                    {option("", t_string!(i18n, users_any).to_string(), &form.role)}
                    {option("admin", t_string!(i18n, role_admin).to_string(), &form.role)}
                    {option("user", t_string!(i18n, role_user).to_string(), &form.role)}
                </select>
            </label>
            <label class="field">
                <span>{t!(i18n, users_status)}</span>
                <select name="status" data-testid="users-status">
                    {option("", t_string!(i18n, users_any).to_string(), &form.status)}
                    {option("active", t_string!(i18n, users_active).to_string(), &form.status)}
                    {option("disabled", t_string!(i18n, users_disabled).to_string(), &form.status)}
                </select>
            </label>
            <button type="submit" class="button">{t!(i18n, office_bookings_show)}</button>
        </form>
    }
}
