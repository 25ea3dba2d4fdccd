//! Booking emails: what they say (plain text and HTML, in the guest's language, with a calendar
//! invite) and how they leave (SMTP, or `.eml` files in a local outbox when no SMTP server is
//! configured).
mod invite;

use std::path::PathBuf;

use app::i18n::{Locale, td_string};
use app::server::accounts::recovery::{ResetLinks, ResetNotification};
use app::server::alerts::AlertNotification;
use app::server::bookings::ManageLinks;
use app::server::config::{Config, SmtpTls};
use app::server::notifications::Notification;
use leptos_i18n::Locale as _;
use lettre::message::header::ContentType;
use lettre::message::{Attachment, Mailbox, MultiPart};
use lettre::transport::smtp::authentication::Credentials;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

#[derive(Debug, thiserror::Error)]
pub enum MailError {
    /// The message cannot be built (a bad address): retrying will not help.
    #[error("invalid message: {0}")]
    Invalid(String),
    /// The server or the disk refused or failed: worth retrying.
    #[error("delivery failed: {0}")]
    Delivery(String),
}

impl MailError {
    pub fn is_permanent(&self) -> bool {
        matches!(self, MailError::Invalid(_))
    }
}

/// Where mail goes, from whom, and the key of the manage links it carries.
#[derive(Clone)]
pub struct Mailer {
    transport: Transport,
    from: Mailbox,
    links: ManageLinks,
    resets: ResetLinks,
}

#[derive(Clone)]
enum Transport {
    Smtp(AsyncSmtpTransport<Tokio1Executor>),
    /// No SMTP configured: each message becomes a file, so a newcomer can read it.
    Outbox(PathBuf),
}

const DEFAULT_FROM: &str = "Бронирование отелей <noreply@booking.local>";

impl Mailer {
    pub fn from_config(config: &Config) -> Result<Self, MailError> {
        let links = ManageLinks::new(&config.jwt.secret);
        let resets = ResetLinks::new(&config.jwt.secret);
        let Some(smtp) = &config.smtp else {
            let from = DEFAULT_FROM.parse().map_err(invalid)?;
            tracing::info!(dir = %config.mail_outbox_dir.display(), "SMTP_HOST is not set: emails are written to this directory as .eml files");
            return Ok(Mailer {
                transport: Transport::Outbox(config.mail_outbox_dir.clone()),
                from,
                links,
                resets,
            });
        };
        let from = smtp.from.parse().map_err(invalid)?;
        let builder = match smtp.tls {
            SmtpTls::None => AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(&smtp.host),
            SmtpTls::StartTls => AsyncSmtpTransport::<Tokio1Executor>::starttls_relay(&smtp.host)
                .map_err(|error| MailError::Invalid(error.to_string()))?,
            SmtpTls::Tls => AsyncSmtpTransport::<Tokio1Executor>::relay(&smtp.host)
                .map_err(|error| MailError::Invalid(error.to_string()))?,
        };
        let mut builder = builder
            .port(smtp.port)
            .timeout(Some(std::time::Duration::from_secs(10)));
        if let (Some(user), Some(pass)) = (&smtp.user, &smtp.pass) {
            builder = builder.credentials(Credentials::new(user.clone(), pass.expose().to_owned()));
        }
        Ok(Mailer {
            transport: Transport::Smtp(builder.build()),
            from,
            links,
            resets,
        })
    }

    fn letter<'a>(&'a self, app_url: &'a str) -> Letter<'a> {
        Letter {
            from: self.from.clone(),
            app_url,
            links: &self.links,
            now: chrono::Utc::now(),
        }
    }

    /// Sends the email for `notification`.
    pub async fn send(&self, notification: &Notification, app_url: &str) -> Result<(), MailError> {
        let message = compose(notification, &self.letter(app_url))?;
        let name = format!("{}-{}.eml", notification.id, notification.kind);
        self.deliver(message, &name).await
    }

    /// Sends the "a room is free" email of subscription email `alert`.
    pub async fn send_alert(
        &self,
        alert: &AlertNotification,
        app_url: &str,
    ) -> Result<(), MailError> {
        let letter = self.letter(app_url);
        let email = write_alert(alert, &letter);
        self.send_outbox_email(alert.id, "room_free", &alert.email, email, &letter)
            .await
    }

    /// Sends the reset link of reset email `reset`.
    pub async fn send_reset(
        &self,
        reset: &ResetNotification,
        app_url: &str,
    ) -> Result<(), MailError> {
        let letter = self.letter(app_url);
        let token = self.resets.sign(reset.reset_id, reset.expires_at);
        let email = write_reset(reset, &token, &letter);
        self.send_outbox_email(reset.id, "password_reset", &reset.email, email, &letter)
            .await
    }

    /// Sends `email` of outbox row `id` to `to`, under a Message-ID of that row (the same for
    /// every attempt, as `message_id` explains).
    async fn send_outbox_email(
        &self,
        id: i64,
        kind: &str,
        to: &str,
        email: Email,
        letter: &Letter<'_>,
    ) -> Result<(), MailError> {
        let message_id = format!("<notification-{id}-{kind}@{}>", letter.from.email.domain());
        let message = message(to, message_id, email, letter)?;
        self.deliver(message, &format!("{id}-{kind}.eml")).await
    }

    async fn deliver(&self, message: Message, name: &str) -> Result<(), MailError> {
        match &self.transport {
            Transport::Smtp(transport) => transport
                .send(message)
                .await
                .map(|_| ())
                .map_err(|error| MailError::Delivery(error.to_string())),
            Transport::Outbox(dir) => write_eml(dir, name, &message).await,
        }
    }
}

fn invalid(error: impl std::fmt::Display) -> MailError {
    MailError::Invalid(error.to_string())
}

/// Writes the message as `name` (`<id>-<kind>.eml`), atomically (temporary file, then rename).
async fn write_eml(dir: &PathBuf, name: &str, message: &Message) -> Result<(), MailError> {
    let delivery = |error: std::io::Error| MailError::Delivery(error.to_string());
    tokio::fs::create_dir_all(dir).await.map_err(delivery)?;
    let temporary = dir.join(format!(".{name}.tmp"));
    tokio::fs::write(&temporary, message.formatted())
        .await
        .map_err(delivery)?;
    tokio::fs::rename(&temporary, dir.join(name))
        .await
        .map_err(delivery)?;
    tracing::info!(file = %dir.join(name).display(), "email written to the outbox");
    Ok(())
}

/// What every email is written with besides its notification.
pub struct Letter<'a> {
    pub from: Mailbox,
    pub app_url: &'a str,
    pub links: &'a ManageLinks,
    /// When it is written (the invite's DTSTAMP).
    pub now: chrono::DateTime<chrono::Utc>,
}

/// Subject and lead sentence for each kind of notification, in the guest's language.
fn headline(notification: &Notification) -> (String, String) {
    let locale = notification.guest_locale();
    let from = app::format::date(notification.date_from, locale);
    let to = app::format::date(notification.date_to, locale);
    let (subject, lead) = match notification.kind.as_str() {
        // A reason is given only when the hotel cancelled.
        "cancellation" if notification.cancel_reason.is_some() => (
            td_string!(locale, email_cancellation_subject).to_string(),
            td_string!(
                locale,
                email_cancellation_by_hotel_lead,
                from = &from,
                to = &to
            )
            .to_string(),
        ),
        "cancellation" => (
            td_string!(locale, email_cancellation_subject).to_string(),
            td_string!(locale, email_cancellation_lead, from = &from, to = &to).to_string(),
        ),
        "change" => (
            td_string!(locale, email_change_subject).to_string(),
            td_string!(locale, email_change_lead, from = &from, to = &to).to_string(),
        ),
        "reminder_1_day" => (
            td_string!(locale, email_reminder_1_day_subject).to_string(),
            td_string!(locale, email_reminder_1_day_lead, from = &from, to = &to).to_string(),
        ),
        "reminder_3_days" => (
            td_string!(locale, email_reminder_3_days_subject).to_string(),
            td_string!(locale, email_reminder_3_days_lead, from = &from, to = &to).to_string(),
        ),
        _ => (
            td_string!(locale, email_confirmation_subject).to_string(),
            td_string!(locale, email_confirmation_lead, from = &from, to = &to).to_string(),
        ),
    };
    (subject, lead)
}

/// The booking's cancellation terms in words (the deadline on the hotel's clock).
fn terms_text(notification: &Notification) -> String {
    let locale = notification.guest_locale();
    match notification.free_cancellation_local {
        Some(local) => {
            let deadline = app::format::date_time(local, locale);
            td_string!(locale, terms_free_until, deadline = &deadline).to_string()
        }
        None => td_string!(locale, terms_non_refundable).to_string(),
    }
}

/// What an email says, before MIME.
pub struct Email {
    pub subject: String,
    pub text: String,
    pub html: String,
    /// The calendar invite, for a confirmation, a change or a cancellation.
    pub invite: Option<(invite::Method, String)>,
}

/// The email of `notification`: the reference, hotel, room, dates, nights, total and terms,
/// the signed link that manages this booking, and its calendar invite, in plain text and HTML.
pub fn write(notification: &Notification, letter: &Letter) -> Email {
    let locale = notification.guest_locale();
    let (subject, lead) = headline(notification);
    let base = letter.app_url.trim_end_matches('/');
    let token = letter
        .links
        .sign(notification.booking_id, notification.check_out_at);
    let manage = format!("{base}/manage/{token}");
    let my_bookings = format!("{base}/bookings");
    let total = app::format::money(notification.total_cost, locale);
    let nights = notification.total_days.to_string();
    let terms = (!notification.cancelled).then(|| terms_text(notification));
    // Label and value rows, shared by both parts; the ones without a value are left out.
    let rows: Vec<(String, &str)> = [
        (
            td_string!(locale, email_reference).to_string(),
            Some(notification.reference.as_str()),
        ),
        (
            td_string!(locale, booking_guest).to_string(),
            notification.guest_name.as_deref(),
        ),
        (
            td_string!(locale, booking_guest_request).to_string(),
            notification.guest_request.as_deref(),
        ),
        (
            td_string!(locale, email_hotel).to_string(),
            Some(notification.hotel_name_read()),
        ),
        (
            td_string!(locale, email_address).to_string(),
            Some(notification.hotel_location.as_str()),
        ),
        (
            td_string!(locale, email_room).to_string(),
            Some(notification.room_name_read()),
        ),
        (
            td_string!(locale, email_nights).to_string(),
            Some(nights.as_str()),
        ),
        (
            td_string!(locale, email_total).to_string(),
            Some(total.as_str()),
        ),
        (
            td_string!(locale, email_terms).to_string(),
            terms.as_deref(),
        ),
        (
            td_string!(locale, email_cancel_reason).to_string(),
            notification
                .cancel_reason
                .as_deref()
                .filter(|_| notification.cancelled),
        ),
    ]
    .into_iter()
    .filter_map(|(label, value)| Some((label, value?)))
    .collect();
    let manage_label = td_string!(locale, email_manage).to_string();
    let my_bookings_label = td_string!(locale, email_my_bookings).to_string();
    let text_rows: String = rows
        .iter()
        .map(|(label, value)| format!("{label}: {value}\n"))
        .collect();
    let text = format!(
        "{lead}\n\n{text_rows}\n{manage_label}: {manage}\n{my_bookings_label}: {my_bookings}\n"
    );
    let html_rows: String = rows
        .iter()
        .map(|(label, value)| {
            format!(
                "<tr><td>{}</td><td><strong>{}</strong></td></tr>",
                escape(label),
                escape(value)
            )
        })
        .collect();
    let html = format!(
        "<!doctype html><html lang=\"{lang}\"><body style=\"font-family:sans-serif\">\
         <h1 style=\"font-size:20px\">{subject}</h1><p>{lead}</p><table>{html_rows}</table>\
         <p><a href=\"{manage}\">{manage_label}</a> · <a href=\"{my_bookings}\">{my_bookings_label}</a></p>\
         </body></html>",
        lang = locale.as_str(),
        subject = escape(&subject),
        lead = escape(&lead),
        manage = escape(&manage),
        manage_label = escape(&manage_label),
        my_bookings = escape(&my_bookings),
        my_bookings_label = escape(&my_bookings_label),
    );
    let invite = invite::method(&notification.kind).map(|method| {
        let calendar = invite::Invite {
            notification,
            method,
            organizer: &letter.from,
            manage: &manage,
            now: letter.now,
        };
        (method, calendar.to_ics())
    });
    Email {
        subject,
        text,
        html,
        invite,
    }
}

/// The "a room is free" email: which room, for which stay and party, and the link that books it.
pub fn write_alert(alert: &AlertNotification, letter: &Letter) -> Email {
    let locale: Locale = alert.locale.parse().unwrap_or_default();
    let base = letter.app_url.trim_end_matches('/');
    let dates = format!("date_from={}&date_to={}", alert.date_from, alert.date_to);
    let party = format!("adults={}&children={}", alert.adults, alert.children);
    let link = match alert.room_id {
        Some(room_id) => format!("{base}/book?room_id={room_id}&{dates}&{party}"),
        None => format!("{base}/"),
    };
    let hotel = alert.hotel_name.as_str();
    let (from, to) = (
        app::format::date(alert.date_from, locale),
        app::format::date(alert.date_to, locale),
    );
    let subject = td_string!(locale, email_room_free_subject, hotel = hotel).to_string();
    let lead = td_string!(
        locale,
        email_room_free_lead,
        hotel = hotel,
        from = &from,
        to = &to
    )
    .to_string();
    let room = alert.room_name.clone().unwrap_or_default();
    let book = td_string!(locale, email_book_now).to_string();
    let room_label = td_string!(locale, email_room).to_string();
    let facts = [(room_label.as_str(), room.as_str())];
    short_email(locale, subject, &lead, &facts, (&book, &link))
}

/// The password-reset email: what was asked, the link (once, 30 minutes), and what to do if
/// it was not the guest who asked.
pub fn write_reset(reset: &ResetNotification, token: &str, letter: &Letter) -> Email {
    let locale: Locale = reset.locale.parse().unwrap_or_default();
    let base = letter.app_url.trim_end_matches('/');
    let link = format!("{base}/reset-password?token={token}");
    let subject = td_string!(locale, email_reset_subject).to_string();
    let lead = td_string!(locale, email_reset_lead, email = &reset.email).to_string();
    let action = td_string!(locale, email_reset_action).to_string();
    short_email(locale, subject, &lead, &[], (&action, &link))
}

/// A short email without an invite: a headline, a lead, a few labelled facts and one link
/// (`label`, `url`), as text and as HTML.
fn short_email(
    locale: Locale,
    subject: String,
    lead: &str,
    facts: &[(&str, &str)],
    (label, url): (&str, &str),
) -> Email {
    let mut text = format!("{lead}\n\n");
    let mut html = format!(
        "<!doctype html><html lang=\"{lang}\"><body style=\"font-family:sans-serif\">\
         <h1 style=\"font-size:20px\">{subject}</h1><p>{lead}</p>",
        lang = locale.as_str(),
        subject = escape(&subject),
        lead = escape(lead),
    );
    for (name, value) in facts {
        text.push_str(&format!("{name}: {value}\n\n"));
        html.push_str(&format!(
            "<p>{}: <strong>{}</strong></p>",
            escape(name),
            escape(value)
        ));
    }
    text.push_str(&format!("{label}: {url}\n"));
    html.push_str(&format!(
        "<p><a href=\"{}\">{}</a></p></body></html>",
        escape(url),
        escape(label)
    ));
    Email {
        subject,
        text,
        html,
        invite: None,
    }
}

/// The email of `notification` as a message: text and HTML alternatives, and the invite as
/// a `text/calendar` attachment with its method (as calendar clients look for it).
pub fn compose(notification: &Notification, letter: &Letter) -> Result<Message, MailError> {
    let email = write(notification, letter);
    message(
        &notification.email,
        message_id(notification, &letter.from),
        email,
        letter,
    )
}

/// `email` as a MIME message to `to`.
fn message(
    to: &str,
    message_id: String,
    email: Email,
    letter: &Letter,
) -> Result<Message, MailError> {
    let to: Mailbox = to.parse().map_err(invalid)?;
    let body = MultiPart::alternative_plain_html(email.text, email.html);
    let body = match email.invite {
        Some((method, calendar)) => {
            let content_type = ContentType::parse(&format!(
                "text/calendar; method={}; charset=UTF-8",
                method.as_str()
            ))
            .map_err(invalid)?;
            MultiPart::mixed()
                .multipart(body)
                .singlepart(Attachment::new("invite.ics".to_owned()).body(calendar, content_type))
        }
        None => body,
    };
    Message::builder()
        .from(letter.from.clone())
        .to(to)
        .message_id(Some(message_id))
        .subject(email.subject)
        .multipart(body)
        .map_err(invalid)
}

/// The same for every attempt at one notification, so should a copy ever be sent twice (see
/// `jobs`), mail clients fold it into one message.
fn message_id(notification: &Notification, from: &Mailbox) -> String {
    format!(
        "<notification-{}-{}@{}>",
        notification.id,
        notification.kind,
        from.email.domain()
    )
}

/// Escapes text for HTML element content and attribute values.
fn escape(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => escaped.push_str("&amp;"),
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            '"' => escaped.push_str("&quot;"),
            '\'' => escaped.push_str("&#39;"),
            other => escaped.push(other),
        }
    }
    escaped
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    fn at(raw: &str) -> chrono::DateTime<chrono::Utc> {
        raw.parse().unwrap()
    }

    pub(crate) fn notification(kind: &str) -> Notification {
        Notification {
            id: 7,
            kind: kind.to_owned(),
            attempts: 1,
            retry_until: chrono::Utc::now(),
            booking_id: 3.into(),
            reference: app::model::BookingReference::parse("B3SZQJ32").unwrap(),
            guest_name: Some("Анна <Петрова>".to_owned()),
            guest_request: None,
            email: "guest@example.com".to_owned(),
            hotel_name: "Palace <&>".to_owned(),
            hotel_location: "Сыктывкар, ул. Мира, 1".to_owned(),
            room_name: "Стандарт".to_owned(),
            hotel_name_en: None,
            room_name_en: Some("Standard".to_owned()),
            date_from: chrono::NaiveDate::from_ymd_opt(2026, 12, 1).unwrap(),
            date_to: chrono::NaiveDate::from_ymd_opt(2026, 12, 3).unwrap(),
            total_days: 2,
            total_cost: app::model::Money::from_roubles(10_000),
            cancelled: false,
            sequence: 0,
            current_sequence: 0,
            locale: "ru".to_owned(),
            check_in_at: at("2026-12-01T11:00:00Z"),
            check_out_at: at("2026-12-03T09:00:00Z"),
            free_cancellation_until: Some(at("2026-11-29T11:00:00Z")),
            cancel_reason: None,
            free_cancellation_local: Some(
                chrono::NaiveDate::from_ymd_opt(2026, 11, 29)
                    .unwrap()
                    .and_hms_opt(14, 0, 0)
                    .unwrap(),
            ),
        }
    }

    fn links() -> ManageLinks {
        ManageLinks::new(&app::server::config::Secret::new("secret"))
    }

    fn letter(links: &ManageLinks) -> Letter<'_> {
        Letter {
            from: DEFAULT_FROM.parse().unwrap(),
            app_url: "http://x/",
            links,
            now: at("2026-11-20T10:00:00Z"),
        }
    }

    fn raw(notification: &Notification) -> String {
        let message = compose(notification, &letter(&links())).unwrap();
        String::from_utf8(message.formatted()).unwrap()
    }

    #[test]
    fn a_confirmation_has_a_text_and_an_html_part_and_an_invite() {
        let raw = raw(&notification("confirmation"));
        assert!(raw.contains("multipart/alternative"));
        assert!(raw.contains("text/plain"));
        assert!(raw.contains("text/html"));
        assert!(raw.contains("text/calendar; method=REQUEST"), "{raw}");
        assert_eq!(escape("Palace <&>\""), "Palace &lt;&amp;&gt;&quot;");
        assert!(
            raw.contains("Message-ID: <notification-7-confirmation@booking.local>"),
            "{raw}"
        );
        assert!(!raw.contains("Reminder") && !raw.contains("reminder"));
    }

    #[test]
    fn reminders_say_how_long_is_left_and_carry_no_invite() {
        assert_eq!(
            headline(&notification("reminder_3_days")).0,
            "Осталось 3 дня до заселения"
        );
        assert_eq!(
            headline(&notification("reminder_1_day")).0,
            "Завтра заселение"
        );
        assert!(!raw(&notification("reminder_1_day")).contains("text/calendar"));
    }

    #[test]
    fn an_email_speaks_the_language_the_guest_booked_in() {
        let mut english = notification("change");
        english.locale = "en".to_owned();
        let (subject, lead) = headline(&english);
        assert_eq!(subject, "Booking changed");
        assert_eq!(
            lead,
            "Your booking has changed: now from 1 Dec 2026 to 3 Dec 2026."
        );
        assert_eq!(
            terms_text(&english),
            "Free cancellation until 29 Nov 2026, 14:00 (hotel time)"
        );
        english.free_cancellation_local = None;
        assert!(terms_text(&english).starts_with("Non-refundable"));
        // The room's English name; the hotel has none, so its own.
        let text = written(&english).text;
        assert!(
            text.contains("Standard") && text.contains("Palace <&>"),
            "{text}"
        );
        assert!(!text.contains("Стандарт"), "{text}");
        assert!(
            written(&notification("confirmation"))
                .text
                .contains("Стандарт")
        );
        let russian = notification("confirmation");
        assert_eq!(
            terms_text(&russian),
            "Бесплатная отмена до 29.11.2026, 14:00 (время отеля)"
        );
    }

    fn written(notification: &Notification) -> Email {
        write(notification, &letter(&links()))
    }

    #[test]
    fn the_manage_link_opens_this_booking_until_check_out() {
        let notification = notification("confirmation");
        let email = written(&notification);
        assert!(
            email.html.contains("href=\"http://x/manage/"),
            "{}",
            email.html
        );
        let text = email.text;
        let start =
            text.find("http://x/manage/").expect("a manage link") + "http://x/manage/".len();
        let token: String = text[start..]
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '.')
            .collect();
        let links = links();
        assert_eq!(
            links.verify(&token, at("2026-12-03T08:59:00Z")),
            Some(notification.booking_id)
        );
        assert_eq!(links.verify(&token, at("2026-12-03T09:00:00Z")), None);
    }

    #[test]
    fn the_invite_keeps_its_uid_and_counts_changes() {
        let confirmation = written(&notification("confirmation")).invite.unwrap();
        assert_eq!(confirmation.0, invite::Method::Request);
        let mut change = notification("change");
        change.sequence = 2;
        let changed = written(&change).invite.unwrap().1;
        let mut cancellation = notification("cancellation");
        cancellation.sequence = 3;
        cancellation.cancelled = true;
        let (method, cancelled) = written(&cancellation).invite.unwrap();
        assert_eq!(method, invite::Method::Cancel);
        let uid = "UID:booking-B3SZQJ32@booking.local\r\n";
        for ics in [&confirmation.1, &changed, &cancelled] {
            assert!(ics.contains(uid), "{ics}");
            assert!(ics.contains("DTSTART:20261201T110000Z\r\n"), "{ics}");
            assert!(ics.contains("DTEND:20261203T090000Z\r\n"), "{ics}");
        }
        assert!(confirmation.1.contains("SEQUENCE:0\r\n"));
        assert!(changed.contains("SEQUENCE:2\r\n"));
        assert!(cancelled.contains("METHOD:CANCEL\r\n") && cancelled.contains("SEQUENCE:3\r\n"));
        assert!(cancelled.contains("STATUS:CANCELLED\r\n"));
        // The cancellation email says so, and offers no terms any more.
        let text = written(&cancellation).text;
        assert!(text.contains("Вы отменили бронирование"), "{text}");
        assert!(!text.contains("Бесплатная отмена"), "{text}");
        // Cancelled by the hotel: it says who, and why.
        cancellation.cancel_reason = Some("Ремонт в номере".to_owned());
        let text = written(&cancellation).text;
        assert!(text.contains("Отель отменил ваше бронирование"), "{text}");
        assert!(text.contains("Причина: Ремонт в номере"), "{text}");
    }

    #[test]
    fn a_bad_recipient_is_permanent() {
        let mut bad = notification("confirmation");
        bad.email = "not an address".to_owned();
        let error = compose(&bad, &letter(&links())).unwrap_err();
        assert!(error.is_permanent());
    }
}
