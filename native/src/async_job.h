// napi async work for long kernel calls: the job runs on libuv's thread
// pool and a Promise settles on the JS thread, so the event loop keeps
// running during a big decode. The typed arrays are held by references for
// the whole job (the caller must not transfer or detach them meanwhile).
#pragma once
#include <napi.h>
#include <functional>
#include <vector>

namespace th {

class AsyncJob : public Napi::AsyncWorker {
 public:
  // Queues `job` and returns the Promise it settles (with the job's status).
  static Napi::Value Start(Napi::Env env, std::function<int64_t()> job, const std::vector<Napi::Value>& keep) {
    AsyncJob* w = new AsyncJob(env, std::move(job), keep);
    Napi::Promise p = w->deferred_.Promise();
    w->Queue();  // napi owns and deletes the worker after OnOK/OnError
    return p;
  }

 protected:
  void Execute() override { status_ = job_(); }
  void OnOK() override { deferred_.Resolve(Napi::Number::New(Env(), (double)status_)); }
  void OnError(const Napi::Error& e) override { deferred_.Reject(e.Value()); }

 private:
  AsyncJob(Napi::Env env, std::function<int64_t()> job, const std::vector<Napi::Value>& keep)
      : Napi::AsyncWorker(env, "tensorhive:kernel"), deferred_(Napi::Promise::Deferred::New(env)), job_(std::move(job)) {
    for (const Napi::Value& v : keep) refs_.push_back(Napi::Persistent(v.As<Napi::Object>()));
  }
  Napi::Promise::Deferred deferred_;
  std::function<int64_t()> job_;
  std::vector<Napi::ObjectReference> refs_;
  int64_t status_ = 0;
};

}  // namespace th
