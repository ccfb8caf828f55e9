# The addon links the Go archive that scripts/build-native.mjs builds into lib/ first.
{
  "targets": [
    {
      "target_name": "hsr_tailnet",
      "sources": ["addon/addon.cc"],
      "include_dirs": ["<!(node -p \"require('node-addon-api').include_dir\")", "tailnet"],
      "defines": ["NAPI_VERSION=8", "NAPI_DISABLE_CPP_EXCEPTIONS"],
      "libraries": ["<(module_root_dir)/lib/libhsr_tailnet.a"],
      "conditions": [
        ["OS=='linux'", {
          "libraries": ["-lpthread", "-lresolv"],
          # Only the Node-API entry point is exported: Go's runtime symbols stay inside.
          "ldflags": ["-Wl,--exclude-libs,ALL"]
        }],
        ["OS=='mac'", {
          "libraries": [
            "-framework CoreFoundation",
            "-framework Security",
            "-framework IOKit",
            "-lresolv"
          ],
          "xcode_settings": { "MACOSX_DEPLOYMENT_TARGET": "12.0" }
        }]
      ]
    }
  ]
}
