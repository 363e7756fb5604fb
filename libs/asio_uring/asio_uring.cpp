// Two corrections to Boost 1.81's io_uring backend (Asio 1.26) and a better setting for its rings, made
// at link time: cmake/Dependencies.cmake links this library into every target that uses Asio, with
// -Wl,--wrap for the two liburing functions below, so that Asio's calls to them come here. Both are
// functions of liburing.so; the rest of liburing that Asio uses is inline in its header and cannot be
// wrapped.
//
// 1. Stale user data (the cause of the gateway's heap corruption, docs/performance.md "The heap
//    corruption on io_uring"). Asio leaves the user data of some submissions unset: the cancels it sends
//    when an operation is cancelled or its socket closed, and the removal of run_for's timeout. liburing
//    does not clear an entry's user data when it hands the entry out again, so such a submission carries
//    the user data of whatever last used its slot of the ring, and its completion is taken for that one's:
//    Asio completes a read the kernel has not finished, and the coroutine frees or reuses the buffer the
//    kernel is still going to fill. Asio 1.27 (Boost 1.82) clears the user data of every entry it takes
//    (chriskohlhoff/asio pull request 1215, commit 0080ec1c9); here every io_uring_submit clears it in the
//    entries the kernel took, so that an entry handed out again starts with none. Asio submits under its
//    ring's lock and never with SQPOLL, so the kernel takes entries only inside this call and no other
//    thread fills one meanwhile. libs/asio_uring/tests shows the fault and the correction.
//
// 2. The ring's size. Asio opens 16,384 entries per io_context (1 MiB of submission entries and 512 KiB of
//    completions), charged to the locked memory of the process's uid and resident in every process, per
//    worker thread: on an idle component that was 3.5 MiB of its 12 (bench scenario 8). Asio never has
//    more than its submit batch (128) of entries waiting to go, and submits at once when the queue is full,
//    so 256 submission entries are enough; completions beyond the completion queue wait in the kernel
//    (IORING_FEAT_NODROP, Linux 5.5) until Asio reaps them, 128 at a time.
//
// 3. The ring's task work. By default the kernel interrupts a thread running in user space (an
//    inter-processor interrupt and a trip through the kernel) each time one of its operations completes,
//    to post the completion at once. Asio reaps completions only when it enters the kernel anyway, and
//    every ring here is run by the one thread that submits to it (one io_context per network thread), so
//    IORING_SETUP_COOP_TASKRUN (Linux 5.19) lets the kernel post them at the thread's next entry instead:
//    on a cache hit that is a quarter of the gateway's CPU per request (docs/performance.md "The hit on
//    io_uring, and the ring's task work"). A sleeping thread is still woken at once. With
//    IORING_SETUP_TASKRUN_FLAG the ring tells when completions wait to be posted, so that liburing's
//    io_uring_peek_cqe (which Asio calls without entering the kernel when it has handlers queued) enters
//    it to post them rather than report none; without it a thread busy with handlers sees a completion
//    only when a timer interrupt happens to take it into the kernel. Older kernels refuse both flags: the
//    ring opens without.

#include <liburing.h>

#include <cerrno>

namespace {

constexpr unsigned kSubmissionEntries = 256;
constexpr unsigned kCompletionEntries = 4096;
constexpr unsigned kTaskRunFlags = IORING_SETUP_COOP_TASKRUN | IORING_SETUP_TASKRUN_FLAG;

}  // namespace

// The names are the linker's (--wrap=<symbol> sends calls of <symbol> to __wrap_<symbol>, and calls of
// __real_<symbol> to the original).
// NOLINTBEGIN(readability-identifier-naming,bugprone-reserved-identifier,cert-dcl37-c,cert-dcl51-cpp)
extern "C" {

int __real_io_uring_submit(struct io_uring* ring);

int __wrap_io_uring_submit(struct io_uring* ring) {
  io_uring_sq& sq = ring->sq;
  const unsigned taken_from = IO_URING_READ_ONCE(*sq.khead);
  const int result = __real_io_uring_submit(ring);
  const unsigned taken_to = io_uring_smp_load_acquire(sq.khead);
  for (unsigned index = taken_from; index != taken_to; ++index) {
    io_uring_sqe_set_data64(&sq.sqes[index & sq.ring_mask], 0);
  }
  return result;
}

int __wrap_io_uring_queue_init(unsigned /*entries*/, struct io_uring* ring, unsigned flags) {
  const auto open_ring = [ring](unsigned setup_flags) {
    io_uring_params params{};
    params.flags = setup_flags | IORING_SETUP_CQSIZE;
    params.cq_entries = kCompletionEntries;
    return io_uring_queue_init_params(kSubmissionEntries, ring, &params);
  };
  const int result = open_ring(flags | kTaskRunFlags);
  return result == -EINVAL ? open_ring(flags) : result;
}

}  // extern "C"
// NOLINTEND(readability-identifier-naming,bugprone-reserved-identifier,cert-dcl37-c,cert-dcl51-cpp)
