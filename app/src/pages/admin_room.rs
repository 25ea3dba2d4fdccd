//! `/admin/rooms/{id}`: one room type for its hotel's staff: its fields, archive or delete,
//! its history.
use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};

use super::auth_form::{FormErrors, latest_error};
use crate::api::back_office::{ArchiveRoom, DeleteRoom, RoomEditor, SaveRoom, get_room_editor};
use crate::components::{
    FormError, History, PageTitle, RequireUser, RoomFields, SubmitButton, failed,
};
use crate::i18n::{t, t_string, use_i18n};
use crate::model::User;

#[component]
pub fn AdminRoomPage() -> impl IntoView {
    let i18n = use_i18n();
    let params = use_params_map();
    let id = move || params.with(|params| params.get("id").unwrap_or_default());
    let save = ServerAction::<SaveRoom>::new();
    let archive = ServerAction::<ArchiveRoom>::new();
    let editor = Resource::new(
        move || (id(), save.version().get(), archive.version().get()),
        |(id, ..)| get_room_editor(id),
    );
    view! {
        <PageTitle text=move || t_string!(i18n, back_office_room).to_string()/>
        <RequireUser children=move |_user: User| {
            view! {
                <section class="back-office">
                    <Suspense fallback=move || view! { <p class="loading">{t!(i18n, loading)}</p> }>
                        {move || editor.get().map(|result| match result {
                            Ok(editor) => view! { <Editor editor save archive/> }.into_any(),
                            Err(error) => failed(error),
                        })}
                    </Suspense>
                </section>
            }
        }/>
    }
}

#[component]
fn Editor(
    editor: RoomEditor,
    save: ServerAction<SaveRoom>,
    archive: ServerAction<ArchiveRoom>,
) -> impl IntoView {
    let i18n = use_i18n();
    let room = editor.room;
    let id = room.id;
    let room_id = move || id.to_string();
    let hotel_page = format!("/admin/hotels/{}", room.hotel_id);
    let saved = use_query_map().with_untracked(|query| query.get("saved").is_some());
    let initial = FormErrors::of_page();
    let error = latest_error(save.value(), initial.of(""));
    let delete = ServerAction::<DeleteRoom>::new();
    let archive_error = latest_error(archive.value(), initial.of("archive"));
    let delete_error = latest_error(delete.value(), None);
    let archive_label = if room.archived {
        t_string!(i18n, back_office_restore).to_string()
    } else {
        t_string!(i18n, back_office_archive).to_string()
    };
    view! {
        <p><a href=hotel_page>{editor.hotel_name}</a></p>
        <h1>
            {room.draft.name.clone()}
            {room.archived.then(|| view! { " " <span class="badge">{t!(i18n, archived)}</span> })}
        </h1>
        {saved.then(|| view! { <p class="notice" role="status">{t!(i18n, saved)}</p> })}
        <section class="form-card" aria-labelledby="room-fields-title">
            <h2 id="room-fields-title">{t!(i18n, back_office_room)}</h2>
            <ActionForm action=save attr:data-testid="room-form">
                <FormError error/>
                <input type="hidden" name="hotel_id" value=room.hotel_id.to_string()/>
                <input type="hidden" name="room_id" value=room_id()/>
                <RoomFields draft=Some(room.draft) error/>
                <SubmitButton
                    pending=save.pending()
                    label=Signal::derive(move || t_string!(i18n, save).to_string())
                    pending_label=Signal::derive(move || t_string!(i18n, saving).to_string())
                />
            </ActionForm>
        </section>
        <section class="danger-zone" aria-labelledby="archive-title">
            <h2 id="archive-title">{t!(i18n, back_office_archive_title)}</h2>
            <p class="muted">{t!(i18n, back_office_archive_room_text)}</p>
            <ActionForm action=archive attr:class="inline-form">
                <FormError error=archive_error/>
                <input type="hidden" name="room_id" value=room_id()/>
                <input type="hidden" name="archived" value=(!room.archived).to_string()/>
                <button type="submit" class="button" data-testid="archive-room">{archive_label}</button>
            </ActionForm>
            <ActionForm action=delete attr:class="inline-form">
                <FormError error=delete_error/>
                <input type="hidden" name="room_id" value=room_id()/>
                <button type="submit" class="button button-danger" data-testid="delete-room">
                    {t!(i18n, back_office_delete)}
                </button>
            </ActionForm>
        </section>
        <section aria-labelledby="history-title">
            <h2 id="history-title">{t!(i18n, history_title)}</h2>
            <History entries=editor.history/>
        </section>
    }
}
