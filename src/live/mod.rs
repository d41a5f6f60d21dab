//! Reading live state from SageMaker into a [`Snapshot`].

mod convert;
pub mod read;
pub mod snapshot;

pub use read::{ReadError, ReadOptions, read, read_lccs, read_whole_domain};
pub use snapshot::{
    AppOwner, LiveApp, LiveDomain, LiveLcc, LiveResource, LiveSlot, ResourceSpec, Settings,
    Snapshot,
};
