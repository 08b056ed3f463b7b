//! The worker pool of the corpus: a fixed number of threads taking jobs from one queue.

use std::sync::Mutex;

/// Runs `work(worker, job)` on every job with `workers` threads (each with a stack of
/// `stack_size` bytes), then `finish(worker)` on each thread when the queue is empty, and
/// returns the results in the order they were done. A thread that cannot be started is
/// reported; the others take its share.
pub fn run<J, R>(
    jobs: Vec<J>,
    workers: usize,
    stack_size: usize,
    work: impl Fn(usize, J) -> R + Sync,
    finish: impl Fn(usize) + Sync,
) -> Vec<R>
where
    J: Send,
    R: Send,
{
    let queue = Mutex::new(jobs.into_iter());
    let done = Mutex::new(Vec::new());
    std::thread::scope(|scope| {
        for worker in 0..workers {
            let (queue, done, work, finish) = (&queue, &done, &work, &finish);
            let spawned = std::thread::Builder::new()
                .stack_size(stack_size)
                .spawn_scoped(scope, move || {
                    loop {
                        let next = queue.lock().map(|mut q| q.next()).unwrap_or(None);
                        let Some(job) = next else {
                            break;
                        };
                        let result = work(worker, job);
                        if let Ok(mut done) = done.lock() {
                            done.push(result);
                        }
                    }
                    finish(worker);
                });
            if let Err(e) = spawned {
                eprintln!("corpus: cannot start a worker thread: {e}");
            }
        }
    });
    done.into_inner().unwrap_or_default()
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_job_is_done_once_and_every_worker_finishes() {
        let finished = std::sync::atomic::AtomicUsize::new(0);
        let mut results = super::run(
            (0..100).collect(),
            3,
            1 << 20,
            |_, job: u32| job * 2,
            |_| {
                finished.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            },
        );
        results.sort_unstable();
        assert_eq!(results, (0..100).map(|j| j * 2).collect::<Vec<_>>());
        assert_eq!(finished.into_inner(), 3);
    }
}
