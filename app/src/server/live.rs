//! Live availability across server processes. Every change the cache is told of
//! ([`Cache::bump`], by the changing process or by the invalidation relay) is published on
//! Redis with the hotels it touches; each process holds one subscription and hands the changes
//! to its open event streams, which read their hotel's rooms again and send them when they
//! differ. Without Redis there are no live updates (pages work as they are).
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use futures::{Stream, StreamExt};
use tokio::sync::broadcast::{
    self,
    error::{RecvError, TryRecvError},
};
use tokio::sync::watch;

use super::cache::Cache;
use super::catalog;
use super::state::AppState;
use crate::error::AppError;
use crate::model::live::RoomCounts;
use crate::model::{HotelId, StayDates};

/// Open event streams one process serves at most; past it a page simply is not live.
const MAX_STREAMS: usize = 512;
/// Changes kept for a stream that is slow to take them; past it the stream reads again anyway.
const CHANGES_BUFFERED: usize = 256;
/// After a change, more are awaited this long, so a burst (a group booking, an import) costs
/// one read rather than one per booking.
const SETTLE: Duration = Duration::from_millis(100);
/// A stream reads again this often even when told nothing: a hold that ran out frees its room
/// without any write, and a subscription cut silently (a half-open socket) hears nothing.
const RECHECK: Duration = Duration::from_secs(30);
const RECONNECT_PAUSE: Duration = Duration::from_secs(1);
const CONNECT_TIMEOUT: Duration = Duration::from_secs(2);

/// What changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    Hotel(HotelId),
    /// Anything may have: the catalog was edited, or notices were missed while away.
    Everything,
}

impl Change {
    fn touches(self, hotel: HotelId) -> bool {
        match self {
            Change::Hotel(changed) => changed == hotel,
            Change::Everything => true,
        }
    }
}

/// The notice [`Cache::bump`] publishes for changes of `hotels` (`None`: the whole catalog):
/// hotel ids separated by spaces, `*` for everything.
pub fn notice(hotels: impl IntoIterator<Item = Option<HotelId>>) -> String {
    let mut ids = Vec::new();
    for hotel in hotels {
        match hotel {
            Some(hotel) => ids.push(hotel.to_string()),
            None => return "*".to_owned(),
        }
    }
    ids.sort_unstable();
    ids.dedup();
    ids.join(" ")
}

fn parse_notice(text: &str) -> Vec<Change> {
    (text.split_whitespace())
        .map(|word| match word.parse::<i32>() {
            Ok(id) => Change::Hotel(HotelId::from(id)),
            // "*", or anything this version does not know: read everything again.
            Err(_) => Change::Everything,
        })
        .collect()
}

/// This process's end of the live updates, cheap to clone.
#[derive(Clone, Default)]
pub struct Live {
    inner: Option<Arc<Inner>>,
}

struct Inner {
    changes: broadcast::Sender<Change>,
    closing: watch::Sender<bool>,
    streams: AtomicUsize,
}

/// Why a page gets no live stream.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum LiveRefusal {
    #[error("live updates are off (no Redis)")]
    Off,
    #[error("too many live streams open")]
    Busy,
}

impl Live {
    /// Subscribes to `cache`'s changes in the background (keeps trying while Redis is away);
    /// off when the cache is.
    pub fn start(cache: &Cache) -> Self {
        let Some(client) = cache.client() else {
            return Live::default();
        };
        let (changes, _) = broadcast::channel(CHANGES_BUFFERED);
        let (closing, _) = watch::channel(false);
        let inner = Arc::new(Inner {
            changes: changes.clone(),
            closing,
            streams: AtomicUsize::new(0),
        });
        tokio::spawn(subscribe(client, cache.changes_channel(), changes));
        Live { inner: Some(inner) }
    }

    /// Ends every open stream (the server is stopping: they would hold its connections).
    pub fn close(&self) {
        if let Some(inner) = &self.inner {
            inner.closing.send_replace(true);
        }
    }

    /// The rooms of `hotel_id` for `stay` now, then again each time they change, until the
    /// client goes or the server stops.
    pub fn rooms(
        &self,
        state: AppState,
        hotel_id: HotelId,
        stay: StayDates,
    ) -> Result<impl Stream<Item = RoomCounts> + Send + 'static, LiveRefusal> {
        let inner = self.inner.as_ref().ok_or(LiveRefusal::Off)?;
        let slot = Slot::take(inner).ok_or(LiveRefusal::Busy)?;
        let watcher = Watcher {
            state,
            hotel_id,
            stay,
            changes: inner.changes.subscribe(),
            closing: inner.closing.subscribe(),
            sent: None,
            _slot: slot,
        };
        Ok(futures::stream::unfold(watcher, |mut watcher| async move {
            let counts = watcher.next_counts().await?;
            Some((counts, watcher))
        }))
    }
}

/// One of the [`MAX_STREAMS`], given back when its stream ends.
struct Slot(Arc<Inner>);

impl Slot {
    fn take(inner: &Arc<Inner>) -> Option<Self> {
        let taken = inner.streams.fetch_add(1, Ordering::AcqRel);
        let slot = Slot(Arc::clone(inner));
        (taken < MAX_STREAMS).then_some(slot)
    }
}

impl Drop for Slot {
    fn drop(&mut self) {
        self.0.streams.fetch_sub(1, Ordering::AcqRel);
    }
}

/// One open stream: its hotel and stay, and what it sent last.
struct Watcher {
    state: AppState,
    hotel_id: HotelId,
    stay: StayDates,
    changes: broadcast::Receiver<Change>,
    closing: watch::Receiver<bool>,
    sent: Option<RoomCounts>,
    _slot: Slot,
}

impl Watcher {
    /// The rooms when they differ from what was sent (the first time: now); `None` once the
    /// server stops.
    async fn next_counts(&mut self) -> Option<RoomCounts> {
        loop {
            if self.sent.is_some() && !self.next_change().await {
                return None;
            }
            match room_counts(&self.state, self.hotel_id, self.stay).await {
                Ok(counts) if self.sent.as_ref() != Some(&counts) => {
                    self.sent = Some(counts.clone());
                    return Some(counts);
                }
                Ok(_) => {}
                Err(error) => {
                    tracing::debug!(error = %error.chain(), "live rooms not read this time");
                    // Read again on the next change or recheck, not at once.
                    self.sent.get_or_insert_default();
                }
            }
        }
    }

    /// Waits for a change of this hotel (and lets a burst settle) or the recheck; false when
    /// the server stops.
    async fn next_change(&mut self) -> bool {
        let hotel_id = self.hotel_id;
        let changes = &mut self.changes;
        tokio::select! {
            _ = self.closing.wait_for(|closing| *closing) => return false,
            () = tokio::time::sleep(RECHECK) => return true,
            () = change_of(changes, hotel_id) => {}
        }
        tokio::time::sleep(SETTLE).await;
        // What came meanwhile is covered by the read that follows.
        while !matches!(
            changes.try_recv(),
            Err(TryRecvError::Empty | TryRecvError::Closed)
        ) {}
        !*self.closing.borrow()
    }
}

/// Returns when a change touches `hotel_id` (or changes were missed: they may have).
async fn change_of(changes: &mut broadcast::Receiver<Change>, hotel_id: HotelId) {
    loop {
        match changes.recv().await {
            Ok(change) if change.touches(hotel_id) => return,
            Ok(_) => {}
            Err(RecvError::Lagged(_)) => return,
            Err(RecvError::Closed) => std::future::pending::<()>().await,
        }
    }
}

/// Rooms left of each of the hotel's room types for the stay, as its page shows them (the
/// same cached read, so the stream costs the database nothing between changes).
pub async fn room_counts(
    state: &AppState,
    hotel_id: HotelId,
    stay: StayDates,
) -> Result<RoomCounts, AppError> {
    let details = catalog::hotel_details(state, hotel_id, stay, None).await?;
    let mut counts: Vec<_> = (details.rooms.iter())
        .map(|offer| (offer.room.id, offer.rooms_left))
        .collect();
    counts.sort_unstable_by_key(|(room, _)| *room);
    Ok(RoomCounts(counts))
}

/// Holds the subscription to `channel`, forwarding its notices to `changes`; connects again
/// after a loss, then tells every stream to read again (notices may have been missed).
async fn subscribe(client: redis::Client, channel: String, changes: broadcast::Sender<Change>) {
    let mut lost = false;
    loop {
        match connect(&client, &channel).await {
            Ok(subscription) => {
                if lost {
                    tracing::info!("live availability: subscribed to Redis again");
                    let _ = changes.send(Change::Everything);
                }
                let mut messages = subscription.into_on_message();
                while let Some(message) = messages.next().await {
                    let Ok(text) = message.get_payload::<String>() else {
                        continue;
                    };
                    for change in parse_notice(&text) {
                        // No receivers (no page open) is fine.
                        let _ = changes.send(change);
                    }
                }
                tracing::warn!("live availability: Redis subscription lost; reconnecting");
            }
            Err(error) => {
                if !lost {
                    tracing::warn!(%error, "live availability: cannot subscribe to Redis yet");
                }
            }
        }
        lost = true;
        tokio::time::sleep(RECONNECT_PAUSE).await;
    }
}

async fn connect(client: &redis::Client, channel: &str) -> redis::RedisResult<redis::aio::PubSub> {
    let attempt = async {
        let mut subscription = client.get_async_pubsub().await?;
        subscription.subscribe(channel).await?;
        Ok(subscription)
    };
    match tokio::time::timeout(CONNECT_TIMEOUT, attempt).await {
        Ok(result) => result,
        Err(_) => Err(std::io::Error::from(std::io::ErrorKind::TimedOut).into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn notices_name_the_hotels_once_or_everything() {
        let (a, b) = (HotelId::from(7), HotelId::from(12));
        assert_eq!(notice([Some(b), Some(a), Some(b)]), "12 7");
        assert_eq!(notice([Some(a), None]), "*");
        assert_eq!(notice([]), "");
        assert_eq!(parse_notice("12 7"), [Change::Hotel(b), Change::Hotel(a)]);
        assert_eq!(parse_notice("*"), [Change::Everything]);
    }

    #[test]
    fn a_change_touches_its_hotel_only() {
        let (a, b) = (HotelId::from(7), HotelId::from(12));
        assert!(Change::Hotel(a).touches(a));
        assert!(!Change::Hotel(a).touches(b));
        assert!(Change::Everything.touches(b));
    }
}
