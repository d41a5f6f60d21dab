//! Reading live state from SageMaker into a [`Snapshot`].

pub(crate) mod convert;
pub mod read;
pub mod snapshot;

pub use read::{ReadError, ReadOptions, read};
pub use snapshot::{
    AppOwner, LiveApp, LiveDomain, LiveLcc, LiveResource, LiveSlot, ResourceSpec, Settings,
    Snapshot,
};
