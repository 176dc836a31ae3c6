// Internal helpers shared by the shim's translation units: the opaque handle types, the exception
// boundary and the per-thread error text.
#pragma once

#include "biometrics_native.h"

#include <opencv2/core.hpp>

#include <cmath>
#include <cstdio>
#include <exception>
#include <memory>
#include <new>
#include <string>
#include <utility>

struct bn_mat {
    cv::Mat mat;
};

namespace bn {

// Records the message for bn_last_error() and returns the status, so call sites read `return fail(...)`.
int32_t fail(int32_t status, std::string message) noexcept;

template <typename... Args>
int32_t failf(int32_t status, const char* format, Args... args) noexcept {
    char buffer[512];
    std::snprintf(buffer, sizeof buffer, format, args...);
    return fail(status, buffer);
}

// Runs body and converts every exception into a status. The only way any bn_* function reaches C++ code.
template <typename Body>
int32_t guard(const char* function, Body&& body) noexcept {
    try {
        return std::forward<Body>(body)();
    } catch (const cv::Exception& e) {
        return fail(BN_E_OPENCV, std::string(function) + ": OpenCV error: " + (e.err.empty() ? e.what() : e.err) +
                                     (e.func.empty() ? "" : " (in " + e.func + ")"));
    } catch (const std::bad_alloc&) {
        return fail(BN_E_OUT_OF_MEMORY, std::string(function) + ": out of memory");
    } catch (const std::exception& e) {
        return fail(BN_E_INTERNAL, std::string(function) + ": " + e.what());
    } catch (...) {
        return fail(BN_E_INTERNAL, std::string(function) + ": unknown exception");
    }
}

// Images handed out by the shim are 8-bit, 1 or 3 channels, non-empty and continuous.
inline bool valid_image(const bn_mat* m) noexcept {
    return m != nullptr && !m->mat.empty() && m->mat.depth() == CV_8U &&
           (m->mat.channels() == 1 || m->mat.channels() == 3);
}

int32_t require_image(const bn_mat* m, const char* function) noexcept;

// Takes ownership of mat (made continuous) and publishes it through out.
int32_t publish(cv::Mat&& mat, bn_mat** out);

// Maximum width or height accepted for images created by the shim (guards integer overflow in sizes).
constexpr int32_t kMaxSide = 1 << 16;
constexpr int64_t kMaxPixels = 400LL * 1000 * 1000;

}  // namespace bn
