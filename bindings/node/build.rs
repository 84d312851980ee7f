fn main() {
    // Sets the linker flags a Node addon needs (undefined N-API symbols resolved at load time).
    napi_build::setup();
}
