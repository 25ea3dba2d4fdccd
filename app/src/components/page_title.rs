use leptos::prelude::*;
use leptos::text_prop::TextProp;
use leptos_meta::Title;

/// The document's `<title>`, translated.
///
/// On the server the text is read here, while the request's reactive owner is current:
/// leptos_meta writes `<title>` into the stream later, outside that owner, and a closure read
/// there meets whichever arena the thread last served (another request's, or none), which
/// panicked a few percent of pages under concurrent load. In the browser it stays reactive, so
/// switching the language retitles the page.
#[component]
pub fn PageTitle(text: impl Fn() -> String + Send + Sync + 'static) -> impl IntoView {
    #[cfg(feature = "ssr")]
    let text = TextProp::from(text());
    #[cfg(not(feature = "ssr"))]
    let text = TextProp::from(text);
    view! { <Title text/> }
}
