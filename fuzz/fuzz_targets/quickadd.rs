//! The `quickadd` fuzz target: [`rolo_fuzz::targets::quickadd::run`] on every input (what it
//! checks is said there; `tests/it/fuzz_replay.rs` runs the committed seeds through it).
#![no_main]

libfuzzer_sys::fuzz_target!(init: rolo_fuzz::init(), |data: &[u8]| {
    rolo_fuzz::targets::quickadd::run(data);
});
