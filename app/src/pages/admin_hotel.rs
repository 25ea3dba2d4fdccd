//! `/admin/hotels/{id}`: one hotel for its staff. Its fields, its room types (and the form that
//! adds one), who runs it (admins grant and revoke), archive or delete (admins), its history.
use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};

use super::auth_form::{FormErrors, latest_error};
use crate::api::back_office::{
    ArchiveHotel, DeleteHotel, GrantStaff, HotelEditor, RevokeStaff, SaveHotel, SaveRoom,
    get_hotel_editor,
};
use crate::components::{
    EmailField, FormError, History, HotelFields, PageTitle, RequireUser, RoomFields, SubmitButton,
    failed,
};
use crate::error::AppError;
use crate::i18n::{t, t_string, use_i18n};
use crate::model::User;
use crate::model::back_office::StaffMember;
use crate::model::catalog_edit::StaffRoom;

#[component]
pub fn AdminHotelPage() -> impl IntoView {
    let i18n = use_i18n();
    let params = use_params_map();
    let id = move || params.with(|params| params.get("id").unwrap_or_default());
    let save = ServerAction::<SaveHotel>::new();
    let archive = ServerAction::<ArchiveHotel>::new();
    let add_room = ServerAction::<SaveRoom>::new();
    let grant = ServerAction::<GrantStaff>::new();
    let revoke = ServerAction::<RevokeStaff>::new();
    let actions = Actions {
        save,
        archive,
        add_room,
        grant,
        revoke,
    };
    // Read again after any of the page's forms did something.
    let editor = Resource::new(
        move || {
            (
                id(),
                save.version().get(),
                archive.version().get(),
                add_room.version().get(),
                grant.version().get(),
                revoke.version().get(),
            )
        },
        |(id, ..)| get_hotel_editor(id),
    );
    view! {
        <PageTitle text=move || t_string!(i18n, back_office_hotel).to_string()/>
        <RequireUser children=move |_user: User| {
            view! {
                <section class="back-office">
                    <p><a href="/admin/hotels">{t!(i18n, back_office_hotels)}</a></p>
                    <Suspense fallback=move || view! { <p class="loading">{t!(i18n, loading)}</p> }>
                        {move || editor.get().map(|result| match result {
                            Ok(editor) => view! { <Editor editor actions/> }.into_any(),
                            Err(error) => failed(error),
                        })}
                    </Suspense>
                </section>
            }
        }/>
    }
}

/// The page's forms, so its data is read again after any of them.
#[derive(Clone, Copy)]
struct Actions {
    save: ServerAction<SaveHotel>,
    archive: ServerAction<ArchiveHotel>,
    add_room: ServerAction<SaveRoom>,
    grant: ServerAction<GrantStaff>,
    revoke: ServerAction<RevokeStaff>,
}

#[component]
fn Editor(editor: HotelEditor, actions: Actions) -> impl IntoView {
    let i18n = use_i18n();
    let hotel = editor.hotel;
    let id = hotel.id;
    let hotel_id = move || id.to_string();
    let saved = use_query_map().with_untracked(|query| query.get("saved").is_some());
    let initial = FormErrors::of_page();
    let error = latest_error(actions.save.value(), initial.of(""));
    let pictures = format!("/admin/hotels/{id}/pictures");
    view! {
        <h1>
            {hotel.draft.name.clone()}
            {hotel.archived.then(|| view! { " " <span class="badge">{t!(i18n, archived)}</span> })}
        </h1>
        {saved.then(|| view! { <p class="notice" role="status">{t!(i18n, saved)}</p> })}
        <ul class="inline-list">
            <li><a href=format!("/admin/hotels/{id}/calendar")>{t!(i18n, calendar_link)}</a></li>
            <li><a href=format!("/admin/hotels/{id}/figures")>{t!(i18n, figures_link)}</a></li>
            <li><a href=format!("/admin/bookings?hotel_id={id}")>{t!(i18n, back_office_bookings)}</a></li>
            <li><a href=pictures>{t!(i18n, back_office_pictures)}</a></li>
        </ul>
        <section class="form-card" aria-labelledby="hotel-fields-title">
            <h2 id="hotel-fields-title">{t!(i18n, back_office_hotel)}</h2>
            <ActionForm action=actions.save attr:data-testid="hotel-form">
                <FormError error/>
                <input type="hidden" name="hotel_id" value=hotel_id()/>
                <HotelFields draft=Some(hotel.draft) error/>
                <SubmitButton
                    pending=actions.save.pending()
                    label=Signal::derive(move || t_string!(i18n, save).to_string())
                    pending_label=Signal::derive(move || t_string!(i18n, saving).to_string())
                />
            </ActionForm>
        </section>
        <section aria-labelledby="room-types-title">
            <h2 id="room-types-title">{t!(i18n, back_office_room_types)}</h2>
            <RoomTable rooms=editor.rooms/>
            <NewRoomForm hotel_id=hotel_id() action=actions.add_room initial=initial.of("room")/>
        </section>
        <section aria-labelledby="staff-title">
            <h2 id="staff-title">{t!(i18n, back_office_staff)}</h2>
            <StaffList members=editor.members hotel_id=hotel_id() admin=editor.admin action=actions.revoke/>
            {editor.admin.then(|| view! {
                <GrantForm hotel_id=hotel_id() action=actions.grant initial=initial.of("grant")/>
            })}
        </section>
        {editor.admin.then(|| view! {
            <ArchiveForms hotel_id=hotel_id() archived=hotel.archived action=actions.archive
                initial=initial.of("archive")/>
        })}
        <section aria-labelledby="history-title">
            <h2 id="history-title">{t!(i18n, history_title)}</h2>
            <History entries=editor.history objects=true/>
        </section>
    }
}

#[component]
fn RoomTable(rooms: Vec<StaffRoom>) -> impl IntoView {
    let i18n = use_i18n();
    if rooms.is_empty() {
        return view! { <p class="muted">{t!(i18n, back_office_no_rooms)}</p> }.into_any();
    }
    let rows = rooms
        .into_iter()
        .map(|room| {
            let href = format!("/admin/rooms/{}", room.id);
            let guests = format!(
                "{} + {}",
                room.draft.occupancy.max_adults, room.draft.occupancy.max_children
            );
            view! {
                <tr class:archived=room.archived>
                    <td>
                        <a href=href>{room.draft.name}</a>
                        {room.archived.then(|| view! { " " <span class="badge">{t!(i18n, archived)}</span> })}
                    </td>
                    <td class="number">{crate::components::money(room.draft.price)}</td>
                    <td class="number">{room.draft.quantity}</td>
                    <td class="number">{guests}</td>
                    <td class="number">{room.upcoming_bookings}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <div class="table-scroll">
            <table class="table" data-testid="room-types">
                <thead>
                    <tr>
                        <th scope="col">{t!(i18n, field_name)}</th>
                        <th scope="col">{t!(i18n, field_price)}</th>
                        <th scope="col">{t!(i18n, field_quantity)}</th>
                        <th scope="col">{t!(i18n, back_office_guests)}</th>
                        <th scope="col">{t!(i18n, back_office_upcoming)}</th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
    .into_any()
}

#[component]
fn NewRoomForm(
    hotel_id: String,
    action: ServerAction<SaveRoom>,
    initial: Option<AppError>,
) -> impl IntoView {
    let i18n = use_i18n();
    let open = initial.is_some();
    let error = latest_error(action.value(), initial);
    view! {
        <details class="form-card" open=open>
            <summary>{t!(i18n, back_office_new_room)}</summary>
            <ActionForm action attr:data-testid="new-room-form">
                <FormError error/>
                <input type="hidden" name="hotel_id" value=hotel_id/>
                <RoomFields draft=None error/>
                <SubmitButton
                    pending=action.pending()
                    label=Signal::derive(move || t_string!(i18n, back_office_create).to_string())
                    pending_label=Signal::derive(move || t_string!(i18n, saving).to_string())
                />
            </ActionForm>
        </details>
    }
}

#[component]
fn StaffList(
    members: Vec<StaffMember>,
    hotel_id: String,
    admin: bool,
    action: ServerAction<RevokeStaff>,
) -> impl IntoView {
    let i18n = use_i18n();
    if members.is_empty() {
        return view! { <p class="muted">{t!(i18n, back_office_no_staff)}</p> }.into_any();
    }
    let items = members
        .into_iter()
        .map(|member| {
            let revoke = admin.then(|| {
                let hotel_id = hotel_id.clone();
                let user_id = member.user_id.to_string();
                view! {
                    <ActionForm action attr:class="inline-form">
                        <input type="hidden" name="hotel_id" value=hotel_id/>
                        <input type="hidden" name="user_id" value=user_id/>
                        <button type="submit" class="button button-small">{t!(i18n, back_office_revoke)}</button>
                    </ActionForm>
                }
            });
            view! { <li>{member.email}" "{revoke}</li> }
        })
        .collect_view();
    view! { <ul class="staff-list" data-testid="staff-list">{items}</ul> }.into_any()
}

#[component]
fn GrantForm(
    hotel_id: String,
    action: ServerAction<GrantStaff>,
    initial: Option<AppError>,
) -> impl IntoView {
    let i18n = use_i18n();
    let error = latest_error(action.value(), initial);
    view! {
        <ActionForm action attr:class="grant-form" attr:data-testid="grant-form">
            <FormError error/>
            <input type="hidden" name="hotel_id" value=hotel_id/>
            <EmailField error value=String::new()/>
            <SubmitButton
                pending=action.pending()
                label=Signal::derive(move || t_string!(i18n, back_office_grant).to_string())
                pending_label=Signal::derive(move || t_string!(i18n, saving).to_string())
            />
        </ActionForm>
    }
}

/// Archive or restore, and delete (only a hotel never booked can go).
#[component]
fn ArchiveForms(
    hotel_id: String,
    archived: bool,
    action: ServerAction<ArchiveHotel>,
    initial: Option<AppError>,
) -> impl IntoView {
    let i18n = use_i18n();
    let delete = ServerAction::<DeleteHotel>::new();
    let error = latest_error(action.value(), initial);
    let delete_error = latest_error(delete.value(), None);
    let delete_id = hotel_id.clone();
    let label = if archived {
        t_string!(i18n, back_office_restore).to_string()
    } else {
        t_string!(i18n, back_office_archive).to_string()
    };
    view! {
        <section class="danger-zone" aria-labelledby="archive-title">
            <h2 id="archive-title">{t!(i18n, back_office_archive_title)}</h2>
            <p class="muted">{t!(i18n, back_office_archive_text)}</p>
            <ActionForm action attr:class="inline-form">
                <FormError error/>
                <input type="hidden" name="hotel_id" value=hotel_id.clone()/>
                <input type="hidden" name="archived" value=(!archived).to_string()/>
                <button type="submit" class="button" data-testid="archive-hotel">{label}</button>
            </ActionForm>
            <ActionForm action=delete attr:class="inline-form">
                <FormError error=delete_error/>
                <input type="hidden" name="hotel_id" value=delete_id/>
                <button type="submit" class="button button-danger" data-testid="delete-hotel">
                    {t!(i18n, back_office_delete)}
                </button>
            </ActionForm>
        </section>
    }
}
