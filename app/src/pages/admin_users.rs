use leptos::prelude::*;

use crate::components::PageTitle;

use crate::api::auth::list_users;
use crate::components::{RequireUser, error_text};
use crate::i18n::{t, t_string, use_i18n};
use crate::model::{Role, User};

/// Admins only: every account with its role.
#[component]
pub fn AdminUsersPage() -> impl IntoView {
    let i18n = use_i18n();
    let users = Resource::new(|| (), |_| list_users());
    view! {
        <PageTitle text=move || t_string!(i18n, users_title).to_string()/>
        <RequireUser admin=true children=move |_admin: User| {
            view! {
                <section class="admin-users">
                    <h1>{t!(i18n, users_title)}</h1>
                    <Suspense fallback=move || view! { <p class="loading">{t!(i18n, loading)}</p> }>
                        {move || {
                            users
                                .get()
                                .map(|result| match result {
                                    Ok(users) => users_table(users).into_any(),
                                    Err(error) => {
                                        view! { <p class="form-error">{error_text(&error)}</p> }
                                            .into_any()
                                    }
                                })
                        }}
                    </Suspense>
                </section>
            }
        }/>
    }
}

fn users_table(users: Vec<User>) -> impl IntoView {
    let i18n = crate::i18n::use_i18n();
    view! {
        <table class="table">
            <thead>
                <tr>
                    <th>{t!(i18n, users_id)}</th>
                    <th>{t!(i18n, account_email)}</th>
                    <th>{t!(i18n, account_role)}</th>
                </tr>
            </thead>
            <tbody>
                {users
                    .into_iter()
                    .map(|user| {
                        let role = match user.role {
                            Role::Admin => t!(i18n, role_admin).into_any(),
                            Role::User => t!(i18n, role_user).into_any(),
                        };
                        view! {
                            <tr>
                                <td>{user.id.get()}</td>
                                <td>{user.email}</td>
                                <td>{role}</td>
                            </tr>
                        }
                    })
                    .collect_view()}
            </tbody>
        </table>
    }
}
