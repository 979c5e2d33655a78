//! Stopping the process's background work cleanly: one trigger, fired by SIGTERM or Ctrl-C,
//! that every worker can wait for or look at between two pieces of work.

use tokio::sync::watch;

/// Fires the [`Shutdown`] of every worker it was made with.
#[derive(Debug)]
pub struct ShutdownTrigger(watch::Sender<bool>);

/// What a worker holds to learn that the process is stopping.
#[derive(Debug, Clone)]
pub struct Shutdown(watch::Receiver<bool>);

/// A trigger and the signal it fires.
pub fn channel() -> (ShutdownTrigger, Shutdown) {
    let (sender, receiver) = watch::channel(false);
    (ShutdownTrigger(sender), Shutdown(receiver))
}

impl ShutdownTrigger {
    /// Asks every holder of the signal to stop.
    pub fn trigger(&self) {
        self.0.send_replace(true);
    }
}

impl Shutdown {
    /// A signal that never fires (tests and one-off runs).
    pub fn never() -> Shutdown {
        let (_trigger, shutdown) = channel();
        shutdown
    }

    /// Whether stopping was asked for.
    pub fn is_requested(&self) -> bool {
        *self.0.borrow()
    }

    /// Returns once stopping is asked for (never, when the trigger is gone without firing).
    pub async fn requested(&self) {
        let mut receiver = self.0.clone();
        if receiver.wait_for(|stop| *stop).await.is_err() {
            std::future::pending::<()>().await;
        }
    }
}

/// Returns when the process is asked to stop: SIGTERM (an orchestrator, systemd) or Ctrl-C.
pub async fn terminated() {
    let ctrl_c = async {
        if let Err(error) = tokio::signal::ctrl_c().await {
            tracing::warn!(%error, "cannot listen for Ctrl-C");
            std::future::pending::<()>().await;
        }
    };
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(error) => {
                tracing::warn!(%error, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_trigger_reaches_every_copy_of_the_signal() {
        let (trigger, shutdown) = channel();
        let copy = shutdown.clone();
        assert!(!shutdown.is_requested());
        trigger.trigger();
        assert!(shutdown.is_requested() && copy.is_requested());
        copy.requested().await;
        assert!(!Shutdown::never().is_requested());
    }
}
