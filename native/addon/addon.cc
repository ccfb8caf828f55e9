// The Node-API face of hsr_tailnet.h. Every function returns at once; events from Go's
// threads reach JavaScript through one thread-safe function that does not keep the event
// loop alive on its own.
#include <napi.h>

#include <memory>
#include <mutex>
#include <string>

#include "hsr_tailnet.h"

namespace {

struct Event {
  long long node;
  std::string json;
};

std::mutex tsfn_mu;
Napi::ThreadSafeFunction tsfn;
bool tsfn_live = false;

void CallJs(Napi::Env env, Napi::Function handler, Event* event) {
  std::unique_ptr<Event> owned(event);
  if (env != nullptr && handler != nullptr) {
    handler.Call({Napi::Number::New(env, static_cast<double>(owned->node)), Napi::String::New(env, owned->json)});
  }
}

// Called on a Go thread: copy, queue, return.
extern "C" void OnEvent(long long node, char* json) {
  std::lock_guard<std::mutex> lock(tsfn_mu);
  if (!tsfn_live) return;
  auto* event = new Event{node, json};
  if (tsfn.NonBlockingCall(event, CallJs) != napi_ok) delete event;
}

void StopEvents() {
  hsr_set_event_callback(nullptr);  // no Go thread is inside OnEvent once this returns
  std::lock_guard<std::mutex> lock(tsfn_mu);
  if (tsfn_live) {
    tsfn.Release();
    tsfn_live = false;
  }
}

Napi::Value Fail(Napi::Env env, char* err) {
  Napi::Error::New(env, err).ThrowAsJavaScriptException();
  hsr_free(err);
  return env.Undefined();
}

// Go's error texts come back owned by us: NULL is success.
Napi::Value Done(Napi::Env env, char* err) { return err ? Fail(env, err) : env.Undefined(); }

bool Args(const Napi::CallbackInfo& info, size_t n) {
  if (info.Length() < n) {
    Napi::TypeError::New(info.Env(), "missing arguments").ThrowAsJavaScriptException();
    return false;
  }
  for (size_t i = 0; i < n; i++) {
    if (!info[i].IsNumber()) {
      Napi::TypeError::New(info.Env(), "expected a number").ThrowAsJavaScriptException();
      return false;
    }
  }
  return true;
}

// A port as Go expects it: a whole number in range, never a wrapped-around double.
bool Port(const Napi::CallbackInfo& info, size_t i, int* port) {
  double value = info[i].As<Napi::Number>().DoubleValue();
  if (value != static_cast<int>(value) || value < 1 || value > 65535) {
    Napi::RangeError::New(info.Env(), "ports must be whole numbers from 1 to 65535").ThrowAsJavaScriptException();
    return false;
  }
  *port = static_cast<int>(value);
  return true;
}

long long Handle(const Napi::CallbackInfo& info) { return info[0].As<Napi::Number>().Int64Value(); }

Napi::Value SetEventHandler(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 1 || !info[0].IsFunction()) {
    Napi::TypeError::New(env, "expected a function").ThrowAsJavaScriptException();
    return env.Undefined();
  }
  StopEvents();
  {
    std::lock_guard<std::mutex> lock(tsfn_mu);
    tsfn = Napi::ThreadSafeFunction::New(env, info[0].As<Napi::Function>(), "hsr_tailnet events", 0, 1);
    tsfn.Unref(env);
    tsfn_live = true;
  }
  hsr_set_event_callback(OnEvent);
  return env.Undefined();
}

Napi::Value NodeNew(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 1 || !info[0].IsString()) {
    Napi::TypeError::New(env, "expected the node's config as JSON").ThrowAsJavaScriptException();
    return env.Undefined();
  }
  std::string config = info[0].As<Napi::String>();
  char* err = nullptr;
  long long node = hsr_node_new(const_cast<char*>(config.c_str()), &err);
  if (node == 0) return Fail(env, err);
  return Napi::Number::New(env, static_cast<double>(node));
}

Napi::Value NodeUp(const Napi::CallbackInfo& info) {
  if (!Args(info, 1)) return info.Env().Undefined();
  return Done(info.Env(), hsr_node_up(Handle(info)));
}

Napi::Value NodeClose(const Napi::CallbackInfo& info) {
  if (!Args(info, 1)) return info.Env().Undefined();
  return Done(info.Env(), hsr_node_close(Handle(info)));
}

Napi::Value ForwardAdd(const Napi::CallbackInfo& info) {
  int tailnet_port, local_port;
  if (!Args(info, 3) || !Port(info, 1, &tailnet_port) || !Port(info, 2, &local_port)) return info.Env().Undefined();
  return Done(info.Env(), hsr_forward_add(Handle(info), tailnet_port, local_port));
}

Napi::Value ForwardRemove(const Napi::CallbackInfo& info) {
  int tailnet_port;
  if (!Args(info, 2) || !Port(info, 1, &tailnet_port)) return info.Env().Undefined();
  return Done(info.Env(), hsr_forward_remove(Handle(info), tailnet_port));
}

Napi::Value NodeStatus(const Napi::CallbackInfo& info) {
  if (!Args(info, 1)) return info.Env().Undefined();
  char* json = hsr_node_status(Handle(info));
  Napi::String result = Napi::String::New(info.Env(), json);
  hsr_free(json);
  return result;
}

Napi::Value SetMemoryLimit(const Napi::CallbackInfo& info) {
  if (info.Length() < 1 || !info[0].IsNumber()) {
    Napi::TypeError::New(info.Env(), "expected a number of bytes").ThrowAsJavaScriptException();
    return info.Env().Undefined();
  }
  long long previous = hsr_set_memory_limit(info[0].As<Napi::Number>().Int64Value());
  return Napi::Number::New(info.Env(), static_cast<double>(previous));
}

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  exports.Set("setEventHandler", Napi::Function::New(env, SetEventHandler));
  exports.Set("nodeNew", Napi::Function::New(env, NodeNew));
  exports.Set("nodeUp", Napi::Function::New(env, NodeUp));
  exports.Set("nodeClose", Napi::Function::New(env, NodeClose));
  exports.Set("forwardAdd", Napi::Function::New(env, ForwardAdd));
  exports.Set("forwardRemove", Napi::Function::New(env, ForwardRemove));
  exports.Set("nodeStatus", Napi::Function::New(env, NodeStatus));
  exports.Set("setMemoryLimit", Napi::Function::New(env, SetMemoryLimit));
  env.AddCleanupHook(StopEvents);
  return exports;
}

}  // namespace

NODE_API_MODULE(hsr_tailnet, Init)
