//! `/admin/hotels/:id/pictures`: the hotel's staff see the pictures of the hotel and its room
//! types in order, how far their processing got, upload more (with progress when scripts run;
//! a plain form post otherwise), make one the main picture, move one, or delete one.
use leptos::prelude::*;

use crate::components::PageTitle;
use leptos_router::hooks::{use_params_map, use_query_map};

use super::auth_form::{FormErrors, latest_error};
use crate::api::pictures::{ArrangePicture, get_hotel_pictures};
use crate::components::{FormError, Picture, RequireUser, error_text, set_status};
use crate::error::{AppError, Cause};
use crate::i18n::{t, t_string, use_i18n};
use crate::model::picture::{MAX_PICTURES, PictureArrangement};
use crate::model::{
    HotelId, HotelPictures, PictureOwner, PictureState, PictureStatus, UploadRefusal, User,
};

/// What the last upload on this page did (from the URL after a plain form post, or from the
/// script's request).
#[derive(Debug, Clone, PartialEq)]
enum Outcome {
    Uploaded,
    Refused(String),
}

#[component]
pub fn AdminPicturesPage() -> impl IntoView {
    let i18n = use_i18n();
    let params = use_params_map();
    let query = use_query_map();
    let hotel_id = move || params.read().get("id").unwrap_or_default();
    let arrange = ServerAction::<ArrangePicture>::new();
    let pictures = Resource::new(
        move || (hotel_id(), arrange.version().get()),
        |(hotel_id, _)| get_hotel_pictures(hotel_id),
    );
    let arrange_error = latest_error(arrange.value(), FormErrors::of_page().of("pictures"));
    let arranged = query.with_untracked(|query| query.get("arranged").is_some());
    // After a plain form post the outcome is in the URL; the script sets it directly.
    let outcome = RwSignal::new(query.with_untracked(|query| {
        if let Some(code) = query.get("error") {
            Some(Outcome::Refused(code))
        } else {
            query.get("uploaded").map(|_| Outcome::Uploaded)
        }
    }));
    poll_while_processing(pictures);
    view! {
        <PageTitle text=move || t_string!(i18n, pictures_title).to_string()/>
        <RequireUser children=move |_user: User| {
            view! {
                <section class="back-office admin-pictures">
                    <p><a href="/admin">{t!(i18n, back_office_title)}</a></p>
                    <h1>{t!(i18n, pictures_title)}</h1>
                    <OutcomeMessage outcome/>
                    {arranged.then(|| view! { <p class="notice" role="status">{t!(i18n, users_saved)}</p> })}
                    <FormError error=arrange_error/>
                    <Suspense fallback=move || view! { <p class="loading">{t!(i18n, loading)}</p> }>
                        {move || {
                            pictures
                                .get()
                                .map(|result| match result {
                                    Ok(page) => owners(page, pictures, outcome, arrange).into_any(),
                                    Err(error) => {
                                        set_status(&error);
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

/// Reloads the page's data every two seconds while a picture is being processed (in the
/// browser; without scripts, reloading the page shows the new state).
fn poll_while_processing(pictures: Resource<Result<HotelPictures, AppError>>) {
    #[cfg(feature = "hydrate")]
    {
        let handle = set_interval_with_handle(
            move || {
                let processing = pictures
                    .get_untracked()
                    .and_then(Result::ok)
                    .is_some_and(|page| page.processing());
                if processing {
                    pictures.refetch();
                }
            },
            std::time::Duration::from_secs(2),
        );
        if let Ok(handle) = handle {
            on_cleanup(move || handle.clear());
        }
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = pictures;
}

fn owners(
    page: HotelPictures,
    pictures: Resource<Result<HotelPictures, AppError>>,
    outcome: RwSignal<Option<Outcome>>,
    arrange: ServerAction<ArrangePicture>,
) -> impl IntoView {
    let i18n = use_i18n();
    let hotel_id = page.hotel.id;
    let hotel_owner = PictureOwner::Hotel(hotel_id);
    let max_mb = page.max_upload_bytes.div_ceil(1024 * 1024);
    let hotel_href = format!("/hotels/{hotel_id}");
    let rooms: Vec<_> = page
        .rooms
        .iter()
        .map(|room| {
            let owner = PictureOwner::Room(room.id);
            view! {
                <OwnerPictures
                    title=room.name.clone()
                    owner
                    hotel_id
                    list=page.pictures_of(owner)
                    max_mb
                    pictures
                    outcome
                    arrange
                />
            }
        })
        .collect();
    view! {
        <p>
            <a href=hotel_href>{page.hotel.name.clone()}</a>
            " · "
            {page.hotel.location.clone()}
        </p>
        <p class="muted">{t!(i18n, pictures_order_hint, n = MAX_PICTURES)}</p>
        <OwnerPictures
            title=t_string!(i18n, pictures_hotel).to_string()
            owner=hotel_owner
            hotel_id
            list=page.pictures_of(hotel_owner)
            max_mb
            pictures
            outcome
            arrange
        />
        <h2>{t!(i18n, pictures_rooms)}</h2>
        {rooms}
    }
}

/// A hotel's or room type's pictures in order, each with its state and the forms to move or
/// delete it, and the upload form while there is room for more.
#[component]
fn OwnerPictures(
    title: String,
    owner: PictureOwner,
    hotel_id: HotelId,
    list: Vec<PictureStatus>,
    max_mb: u64,
    pictures: Resource<Result<HotelPictures, AppError>>,
    outcome: RwSignal<Option<Outcome>>,
    arrange: ServerAction<ArrangePicture>,
) -> impl IntoView {
    let i18n = use_i18n();
    let full = list.len() >= MAX_PICTURES;
    let count = list.len();
    let main = list
        .iter()
        .find(|picture| picture.state == PictureState::Ready)
        .map(|picture| picture.id);
    let items = if list.is_empty() {
        view! {
            <p class="picture-state" data-testid="picture-state">{t!(i18n, picture_none)}</p>
        }
        .into_any()
    } else {
        let items = list
            .into_iter()
            .enumerate()
            .map(|(index, picture)| {
                let main = main == Some(picture.id);
                let alt = format!("{title} · {}", index + 1);
                view! { <OwnedPicture picture index count main alt hotel_id arrange/> }
            })
            .collect_view();
        view! { <ol class="picture-list">{items}</ol> }.into_any()
    };
    view! {
        <article class="picture-owner" data-testid="picture-owner">
            <h3>{title.clone()}</h3>
            {items}
            {if full {
                view! { <p class="muted">{t!(i18n, upload_error_too_many)}</p> }.into_any()
            } else {
                view! { <UploadForm owner max_mb pictures outcome/> }.into_any()
            }}
        </article>
    }
}

/// One picture: its preview, state, and a form per arrangement that applies to it.
#[component]
fn OwnedPicture(
    picture: PictureStatus,
    index: usize,
    count: usize,
    main: bool,
    alt: String,
    hotel_id: HotelId,
    arrange: ServerAction<ArrangePicture>,
) -> impl IntoView {
    let i18n = use_i18n();
    let state = picture.state;
    let state_text = match state {
        PictureState::Processing => t_string!(i18n, picture_state_processing),
        PictureState::Ready => t_string!(i18n, picture_state_ready),
        PictureState::Failed => t_string!(i18n, picture_state_failed),
    };
    let preview = picture.picture();
    let (id, hotel) = (picture.id.to_string(), hotel_id.to_string());
    let forms = PictureArrangement::ALL
        .into_iter()
        .filter(|action| action.applies(index, count))
        .map(|action| {
            let (label, class) = match action {
                PictureArrangement::Main => (t_string!(i18n, pictures_make_main), "button"),
                PictureArrangement::Earlier => (t_string!(i18n, pictures_earlier), "button"),
                PictureArrangement::Later => (t_string!(i18n, pictures_later), "button"),
                PictureArrangement::Delete => {
                    (t_string!(i18n, pictures_delete), "button button-danger")
                }
            };
            let aria = format!("{label}: {alt}");
            let (id, hotel) = (id.clone(), hotel.clone());
            view! {
                <ActionForm action=arrange attr:class="inline-form">
                    <input type="hidden" name="hotel_id" value=hotel/>
                    <input type="hidden" name="picture_id" value=id/>
                    <input type="hidden" name="action" value=action.as_str()/>
                    <button type="submit" class=class aria-label=aria
                        data-testid=format!("picture-{}", action.as_str())>
                        {label}
                    </button>
                </ActionForm>
            }
        })
        .collect_view();
    view! {
        <li class="owned-picture" data-testid="picture" data-id=picture.id.to_string()>
            <Picture src=preview alt=alt.clone() width=400 height=200/>
            <p class="picture-state" data-testid="picture-state" data-state=state.as_str()>
                {state_text}
                {main.then(|| view! {
                    " · " <strong data-testid="main-picture">{t!(i18n, pictures_main)}</strong>
                })}
            </p>
            {picture.error.map(|error| view! { <p class="form-error">{error}</p> })}
            <div class="row-actions">{forms}</div>
        </li>
    }
}

#[component]
fn UploadForm(
    owner: PictureOwner,
    max_mb: u64,
    pictures: Resource<Result<HotelPictures, AppError>>,
    outcome: RwSignal<Option<Outcome>>,
) -> impl IntoView {
    let i18n = use_i18n();
    // Share of the file sent, while an upload runs.
    let progress = RwSignal::new(None::<f64>);
    let on_submit = move |event: leptos::ev::SubmitEvent| {
        #[cfg(feature = "hydrate")]
        {
            use wasm_bindgen::JsCast;
            let Some(form) = event
                .target()
                .and_then(|target| target.dyn_into::<web_sys::HtmlFormElement>().ok())
            else {
                return;
            };
            event.prevent_default();
            outcome.set(None);
            progress.set(Some(0.0));
            let finished = move |status: u16, body: String| {
                progress.set(None);
                if status == 201 {
                    outcome.set(Some(Outcome::Uploaded));
                    pictures.refetch();
                } else {
                    outcome.set(Some(Outcome::Refused(refusal_code(status, &body))));
                }
            };
            if upload::send(&form, progress, finished).is_err() {
                progress.set(None);
                outcome.set(Some(Outcome::Refused("network".into())));
            }
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = (event, pictures, outcome);
    };
    view! {
        <form
            class="upload-form"
            method="post"
            enctype="multipart/form-data"
            action=owner.upload_path()
            on:submit=on_submit
        >
            <label>
                {t!(i18n, pictures_choose, mb = move || max_mb)}
                <input type="file" name="file" accept="image/jpeg,image/png,image/webp" required/>
            </label>
            <button type="submit" class="button" disabled=move || progress.get().is_some()>
                {t!(i18n, pictures_upload)}
            </button>
            {move || {
                progress
                    .get()
                    .map(|share| {
                        view! {
                            <progress max="100" value=(share * 100.0).round() aria-label=move || t_string!(i18n, pictures_uploading)></progress>
                        }
                    })
            }}
        </form>
    }
}

#[component]
fn OutcomeMessage(outcome: RwSignal<Option<Outcome>>) -> impl IntoView {
    let i18n = use_i18n();
    move || {
        outcome.get().map(|outcome| match outcome {
            Outcome::Uploaded => view! {
                <p class="notice" role="status" data-testid="upload-outcome">{t!(i18n, picture_uploaded)}</p>
            }
            .into_any(),
            Outcome::Refused(code) => view! {
                <p class="form-error" role="alert" data-testid="upload-outcome">{upload_error_text(&code)}</p>
            }
            .into_any(),
        })
    }
}

/// The message for an upload refused with `code` (a refusal's or an [`AppError`]'s).
fn upload_error_text(code: &str) -> String {
    let i18n = use_i18n();
    let text = match UploadRefusal::from_code(code) {
        Some(UploadRefusal::NoFile) => t_string!(i18n, upload_error_no_file),
        Some(UploadRefusal::TooLarge) => t_string!(i18n, upload_error_too_large),
        Some(UploadRefusal::NotAPicture) => t_string!(i18n, upload_error_not_a_picture),
        Some(UploadRefusal::TooManyPixels) => t_string!(i18n, upload_error_too_many_pixels),
        Some(UploadRefusal::Damaged) => t_string!(i18n, upload_error_damaged),
        Some(UploadRefusal::TooMany) => t_string!(i18n, upload_error_too_many),
        None => {
            let error = match code {
                "unauthorized" => AppError::Unauthorized,
                "forbidden" => AppError::Forbidden,
                "not_found" => AppError::NotFound,
                "network" => AppError::Transport(String::new()),
                _ => AppError::Internal(Cause::NONE),
            };
            return error_text(&error);
        }
    };
    text.to_string()
}

/// The refusal code of an answer: its JSON `code`, else one for its status.
#[cfg(feature = "hydrate")]
fn refusal_code(status: u16, body: &str) -> String {
    #[derive(serde::Deserialize)]
    struct Refusal {
        code: String,
    }
    match serde_json::from_str::<Refusal>(body) {
        Ok(refusal) => refusal.code,
        Err(_) if status == 413 => UploadRefusal::TooLarge.code().into(),
        Err(_) if status == 0 => "network".into(),
        Err(_) => "internal".into(),
    }
}

/// The upload request itself: `XMLHttpRequest`, because `fetch` reports no upload progress.
#[cfg(feature = "hydrate")]
mod upload {
    use leptos::prelude::*;
    use wasm_bindgen::{JsCast, JsValue, closure::Closure};
    use web_sys::{FormData, HtmlFormElement, ProgressEvent, XmlHttpRequest};

    /// Sends `form` (its file) to its action; `progress` follows the upload; `finished` gets
    /// the answer's status and body (status 0: no answer).
    pub fn send(
        form: &HtmlFormElement,
        progress: RwSignal<Option<f64>>,
        finished: impl Fn(u16, String) + Clone + 'static,
    ) -> Result<(), JsValue> {
        let data = FormData::new_with_form(form)?;
        let request = XmlHttpRequest::new()?;
        request.open("POST", &form.action())?;
        request.set_request_header("Accept", "application/json")?;
        let on_progress = Closure::<dyn FnMut(ProgressEvent)>::new(move |event: ProgressEvent| {
            if event.length_computable() && event.total() > 0.0 {
                progress.set(Some(event.loaded() / event.total()));
            }
        });
        request
            .upload()?
            .set_onprogress(Some(on_progress.as_ref().unchecked_ref()));
        // Lives as long as the request; one small closure per upload.
        on_progress.forget();
        let answered = request.clone();
        let on_load = Closure::once_into_js({
            let finished = finished.clone();
            move || {
                let status = answered.status().unwrap_or(0);
                let body = answered.response_text().ok().flatten().unwrap_or_default();
                finished(status, body);
            }
        });
        request.set_onload(Some(on_load.unchecked_ref()));
        let on_error = Closure::once_into_js(move || finished(0, String::new()));
        request.set_onerror(Some(on_error.unchecked_ref()));
        request.send_with_opt_form_data(Some(&data))
    }
}
