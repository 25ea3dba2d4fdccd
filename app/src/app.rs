use leptos::prelude::*;

use crate::components::PageTitle;
use leptos_meta::{Html, MetaTags, Stylesheet, provide_meta_context};
use leptos_router::{
    Lazy, ParamSegment, SsrMode, StaticSegment,
    components::{Route, Router, Routes},
};

use crate::components::{Footer, Header, server_day};
use crate::i18n::{Locale, t_string, use_i18n};
use crate::pages::{
    AccountPage, AdminAudit, AdminBooking, AdminBookings, AdminCalendar, AdminFigures, AdminHome,
    AdminHotel, AdminHotels, AdminJobs, AdminPictures, AdminRoom, AdminUsers, BookPage,
    ForgotPasswordPage, HomePage, HotelPage, LoginPage, ManagePage, MyBookingsPage, NotFoundPage,
    RegisterPage, ResetPasswordPage, Saved, SearchPage,
};
use crate::session::provide_session;

/// The HTML document around the app. `lang` on `<html>` is set by the i18n context.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    view! {
        <!DOCTYPE html>
        <html>
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <link rel="icon" href="/favicon.ico"/>
                <meta name="server-day" content=server_day().to_string()/>
                <AutoReload options=options.clone()/>
                <HydrationScripts options/>
                <MetaTags/>
            </head>
            <body>
                <App/>
            </body>
        </html>
    }
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    provide_session();
    // Effects run only in the browser, after hydration: mark the page as interactive.
    Effect::new(|_| {
        if let Some(body) = document().body() {
            let _ = body.set_attribute("data-hydrated", "true");
        }
    });

    view! {
        <Stylesheet id="leptos" href="/pkg/booking.css"/>
        <Translations>
            <DocumentTitle/>
            <Router>
                <SkipLink/>
                <Header/>
                <FocusOnNavigation/>
                <main class="page" id="main" tabindex="-1">
                    <Routes fallback=NotFoundPage>
                        // Async rendering: the whole page, header included, arrives resolved, so
                        // it works without JavaScript, and protected pages can still redirect.
                        <Route path=StaticSegment("") view=HomePage ssr=SsrMode::Async/>
                        <Route path=StaticSegment("search") view=SearchPage ssr=SsrMode::Async/>
                        <Route
                            path=(StaticSegment("hotels"), ParamSegment("id"))
                            view=HotelPage
                            ssr=SsrMode::Async
                        />
                        <Route path=StaticSegment("book") view=BookPage ssr=SsrMode::Async/>
                        <Route
                            path=StaticSegment("bookings")
                            view=MyBookingsPage
                            ssr=SsrMode::Async
                        />
                        <Route
                            path=(StaticSegment("manage"), ParamSegment("token"))
                            view=ManagePage
                            ssr=SsrMode::Async
                        />
                        <Route path=StaticSegment("login") view=LoginPage ssr=SsrMode::Async/>
                        <Route path=StaticSegment("register") view=RegisterPage ssr=SsrMode::Async/>
                        <Route
                            path=StaticSegment("forgot-password")
                            view=ForgotPasswordPage
                            ssr=SsrMode::Async
                        />
                        <Route
                            path=StaticSegment("reset-password")
                            view=ResetPasswordPage
                            ssr=SsrMode::Async
                        />
                        <Route path=StaticSegment("account") view=AccountPage ssr=SsrMode::Async/>
                        <Route path=StaticSegment("saved") view={Lazy::<Saved>::new()} ssr=SsrMode::Async/>
                        <Route path=StaticSegment("admin") view={Lazy::<AdminHome>::new()} ssr=SsrMode::Async/>
                        <Route
                            path=(StaticSegment("admin"), StaticSegment("hotels"))
                            view={Lazy::<AdminHotels>::new()}
                            ssr=SsrMode::Async
                        />
                        <Route
                            path=(StaticSegment("admin"), StaticSegment("hotels"), ParamSegment("id"))
                            view={Lazy::<AdminHotel>::new()}
                            ssr=SsrMode::Async
                        />
                        <Route
                            path=(StaticSegment("admin"), StaticSegment("rooms"), ParamSegment("id"))
                            view={Lazy::<AdminRoom>::new()}
                            ssr=SsrMode::Async
                        />
                        <Route
                            path=(StaticSegment("admin"), StaticSegment("bookings"))
                            view={Lazy::<AdminBookings>::new()}
                            ssr=SsrMode::Async
                        />
                        <Route
                            path=(StaticSegment("admin"), StaticSegment("bookings"), ParamSegment("id"))
                            view={Lazy::<AdminBooking>::new()}
                            ssr=SsrMode::Async
                        />
                        <Route
                            path=(StaticSegment("admin"), StaticSegment("audit"))
                            view={Lazy::<AdminAudit>::new()}
                            ssr=SsrMode::Async
                        />
                        <Route
                            path=(StaticSegment("admin"), StaticSegment("users"))
                            view={Lazy::<AdminUsers>::new()}
                            ssr=SsrMode::Async
                        />
                        <Route
                            path=(StaticSegment("admin"), StaticSegment("jobs"))
                            view={Lazy::<AdminJobs>::new()}
                            ssr=SsrMode::Async
                        />
                        <Route
                            path=(
                                StaticSegment("admin"),
                                StaticSegment("hotels"),
                                ParamSegment("id"),
                                StaticSegment("pictures"),
                            )
                            view={Lazy::<AdminPictures>::new()}
                            ssr=SsrMode::Async
                        />
                        <Route
                            path=(
                                StaticSegment("admin"),
                                StaticSegment("hotels"),
                                ParamSegment("id"),
                                StaticSegment("calendar"),
                            )
                            view={Lazy::<AdminCalendar>::new()}
                            ssr=SsrMode::Async
                        />
                        <Route
                            path=(
                                StaticSegment("admin"),
                                StaticSegment("hotels"),
                                ParamSegment("id"),
                                StaticSegment("figures"),
                            )
                            view={Lazy::<AdminFigures>::new()}
                            ssr=SsrMode::Async
                        />
                    </Routes>
                </main>
                <Footer/>
            </Router>
        </Translations>
    }
}

/// Provides the translations, as leptos_i18n's `I18nContextProvider` does (locale from the
/// cookie, then `Accept-Language`; `lang` and `dir` on `<html>`), with one difference: on the
/// server its cookie-syncing effect is kept from running. That effect is isomorphic, so the
/// server spawned it as a task of its own, and under load the task often first ran after the
/// request had finished, reading a disposed signal: a panic per page. It has nothing to do on
/// the server (the locale endpoint sets the cookie), so its owner is paused there.
#[component]
fn Translations(children: Children) -> impl IntoView {
    let owner = Owner::current().unwrap_or_default().child();
    let i18n = owner.with(|| {
        leptos_i18n::context::provide_i18n_context_with_options_inner::<Locale>(Default::default())
    });
    #[cfg(feature = "ssr")]
    owner.pause();
    // The effects live as long as this component: keep their owner until then.
    StoredValue::new(owner);
    provide_context(i18n);
    let lang = move || leptos_i18n::Locale::as_str(i18n.get_locale());
    let dir = move || leptos_i18n::Locale::direction(i18n.get_locale()).as_str();
    view! {
        {children()}
        <Html attr:lang=lang attr:dir=dir/>
    }
}

/// "Skip to content": the first thing a keyboard reaches, shown when focused. Without
/// JavaScript the browser follows the fragment to `<main>`; the router would only scroll
/// there, so once hydrated the click moves focus itself.
#[component]
fn SkipLink() -> impl IntoView {
    let i18n = use_i18n();
    let skip = move |event: leptos::ev::MouseEvent| {
        #[cfg(feature = "hydrate")]
        if let Some(main) = document().get_element_by_id("main") {
            use leptos::wasm_bindgen::JsCast;
            event.prevent_default();
            if let Ok(main) = main.dyn_into::<leptos::web_sys::HtmlElement>() {
                let _ = main.focus();
            }
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = event;
    };
    view! {
        <a class="skip-link" href="#main" on:click=skip>
            {move || t_string!(i18n, skip_to_content)}
        </a>
    }
}

/// After an in-app navigation, focus moves to the new page's content, as a full page load
/// would reset it: to what the page marks `data-focus-first` (a confirmation step), else its
/// heading, else `<main>`. Screen readers then read the new page, and the keyboard goes on
/// from there instead of the link that was clicked.
#[component]
fn FocusOnNavigation() -> impl IntoView {
    let location = leptos_router::hooks::use_location();
    Effect::watch(
        move || (location.pathname.get(), location.search.get()),
        |_, _, _| {
            #[cfg(feature = "hydrate")]
            focus_new_content(30);
        },
        false,
    );
}

/// Focuses the new content once it is there (pages may still be loading: up to `frames`
/// animation frames are waited for), else `<main>`.
#[cfg(feature = "hydrate")]
fn focus_new_content(frames: u32) {
    use leptos::wasm_bindgen::JsCast;
    request_animation_frame(move || {
        let document = document();
        let found = ["main [data-focus-first]", "main h1"]
            .iter()
            .find_map(|selector| document.query_selector(selector).ok().flatten());
        let target = match found {
            Some(target) => target,
            None if frames > 0 => return focus_new_content(frames - 1),
            None => match document.get_element_by_id("main") {
                Some(main) => main,
                None => return,
            },
        };
        if !target.has_attribute("tabindex") {
            let _ = target.set_attribute("tabindex", "-1");
        }
        if let Ok(target) = target.dyn_into::<leptos::web_sys::HtmlElement>() {
            let _ = target.focus();
        }
    });
}

#[component]
fn DocumentTitle() -> impl IntoView {
    let i18n = use_i18n();
    view! { <PageTitle text=move || t_string!(i18n, app_name).to_string()/> }
}
