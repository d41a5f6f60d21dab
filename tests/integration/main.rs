mod sandbox_sdk;
mod support;
