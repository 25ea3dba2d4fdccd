//! `/admin/hotels/:id/pictures`: an admin sees the pictures of a hotel and its room types,
//! how far their processing got, and uploads new ones (with progress when scripts run; a plain
//! form post otherwise).
use leptos::prelude::*;

use crate::components::PageTitle;
use leptos_router::hooks::{use_params_map, use_query_map};

use crate::api::pictures::get_hotel_pictures;
use crate::components::{Picture, RequireUser, error_text, set_status};
use crate::error::{AppError, Cause};
use crate::i18n::{t, t_string, use_i18n};
use crate::model::{HotelPictures, PictureOwner, PictureState, PictureStatus, UploadRefusal, User};

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
    let pictures = Resource::new(hotel_id, get_hotel_pictures);
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
        <RequireUser admin=true children=move |_admin: User| {
            view! {
                <section class="admin-pictures">
                    <h1>{t!(i18n, pictures_title)}</h1>
                    <OutcomeMessage outcome/>
                    <Suspense fallback=move || view! { <p class="loading">{t!(i18n, loading)}</p> }>
                        {move || {
                            pictures
                                .get()
                                .map(|result| match result {
                                    Ok(page) => owners(page, pictures, outcome).into_any(),
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
) -> impl IntoView {
    let i18n = use_i18n();
    let hotel_owner = PictureOwner::Hotel(page.hotel.id);
    let max_mb = page.max_upload_bytes.div_ceil(1024 * 1024);
    let hotel_href = format!("/hotels/{}", page.hotel.id);
    let rooms: Vec<_> = page
        .rooms
        .iter()
        .map(|room| {
            let owner = PictureOwner::Room(room.id);
            view! {
                <OwnerPictures
                    title=room.name.clone()
                    owner
                    picture=page.picture_of(owner).cloned()
                    max_mb
                    pictures
                    outcome
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
        <OwnerPictures
            title=t_string!(i18n, pictures_hotel).to_string()
            owner=hotel_owner
            picture=page.picture_of(hotel_owner).cloned()
            max_mb
            pictures
            outcome
        />
        <h2>{t!(i18n, pictures_rooms)}</h2>
        {rooms}
    }
}

#[component]
fn OwnerPictures(
    title: String,
    owner: PictureOwner,
    picture: Option<PictureStatus>,
    max_mb: u64,
    pictures: Resource<Result<HotelPictures, AppError>>,
    outcome: RwSignal<Option<Outcome>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let state = picture.as_ref().map(|picture| picture.state);
    let state_text = move || match state {
        None => t_string!(i18n, picture_none),
        Some(PictureState::Processing) => t_string!(i18n, picture_state_processing),
        Some(PictureState::Ready) => t_string!(i18n, picture_state_ready),
        Some(PictureState::Failed) => t_string!(i18n, picture_state_failed),
    };
    let preview = picture.as_ref().and_then(PictureStatus::picture);
    let failure = picture.and_then(|picture| picture.error);
    view! {
        <article class="picture-owner" data-testid="picture-owner">
            <h3>{title.clone()}</h3>
            <Picture src=preview alt=title width=400 height=200/>
            <p class="picture-state" data-testid="picture-state" data-state=state.map(PictureState::as_str)>
                {state_text}
            </p>
            {failure.map(|error| view! { <p class="form-error">{error}</p> })}
            <UploadForm owner max_mb pictures outcome/>
        </article>
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
