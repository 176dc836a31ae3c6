// Per-thread error text, library-wide settings and the handle helpers.
#include "internal.hpp"

#include <opencv2/core/utils/logger.hpp>

#include <cstdlib>

namespace {

thread_local std::string t_last_error;

// OpenCV logs warnings (e.g. from video back ends) to stderr by default; keep only errors unless the
// user asked for more with OPENCV_LOG_LEVEL.
struct QuietOpenCvLogs {
    QuietOpenCvLogs() {
        if (std::getenv("OPENCV_LOG_LEVEL") == nullptr) {
            cv::utils::logging::setLogLevel(cv::utils::logging::LOG_LEVEL_ERROR);
        }
    }
} const s_quiet_logs;

}  // namespace

namespace bn {

int32_t fail(int32_t status, std::string message) noexcept {
    try {
        t_last_error = std::move(message);
    } catch (...) {
        // Out of memory while storing the message: keep the status, drop the text.
    }
    return status;
}

int32_t require_image(const bn_mat* m, const char* function) noexcept {
    if (m == nullptr) {
        return failf(BN_E_INVALID_ARGUMENT, "%s: image is null", function);
    }
    if (!valid_image(m)) {
        return failf(BN_E_INVALID_ARGUMENT, "%s: image must be non-empty 8-bit with 1 or 3 channels", function);
    }
    return BN_OK;
}

int32_t publish(cv::Mat&& mat, bn_mat** out) {
    if (mat.empty()) {
        return fail(BN_E_INTERNAL, "operation produced an empty image");
    }
    auto* handle = new bn_mat{mat.isContinuous() ? std::move(mat) : mat.clone()};
    *out = handle;
    return BN_OK;
}

}  // namespace bn

extern "C" {

const char* bn_last_error(void) { return t_last_error.c_str(); }

int32_t bn_abi_version(void) { return BN_ABI_VERSION; }

int32_t bn_set_num_threads(int32_t n) {
    return bn::guard("bn_set_num_threads", [&] {
        cv::setNumThreads(n <= 0 ? -1 : n);
        return BN_OK;
    });
}

void bn_bytes_free(uint8_t* data) { std::free(data); }

void bn_mat_free(bn_mat* mat) { delete mat; }

int32_t bn_mat_info_get(const bn_mat* mat, bn_mat_info* info) {
    if (int32_t s = bn::require_image(mat, "bn_mat_info_get"); s != BN_OK) return s;
    if (info == nullptr) return bn::fail(BN_E_INVALID_ARGUMENT, "bn_mat_info_get: info is null");
    info->data = mat->mat.data;
    info->width = mat->mat.cols;
    info->height = mat->mat.rows;
    info->channels = mat->mat.channels();
    info->reserved = 0;
    info->stride = static_cast<int64_t>(mat->mat.step[0]);
    return BN_OK;
}

int32_t bn_mat_create(int32_t width, int32_t height, int32_t channels, bn_mat** out) {
    return bn::guard("bn_mat_create", [&] {
        if (out == nullptr) return bn::fail(BN_E_INVALID_ARGUMENT, "bn_mat_create: out is null");
        if (width <= 0 || height <= 0 || width > bn::kMaxSide || height > bn::kMaxSide ||
            static_cast<int64_t>(width) * height > bn::kMaxPixels) {
            return bn::failf(BN_E_INVALID_ARGUMENT, "bn_mat_create: invalid size %dx%d", width, height);
        }
        if (channels != 1 && channels != 3) {
            return bn::failf(BN_E_INVALID_ARGUMENT, "bn_mat_create: channels must be 1 or 3, not %d", channels);
        }
        return bn::publish(cv::Mat(height, width, CV_8UC(channels), cv::Scalar::all(0)), out);
    });
}

int32_t bn_mat_from_pixels(const uint8_t* pixels, int64_t length, int32_t width, int32_t height, int32_t channels,
                           int64_t stride, bn_mat** out) {
    return bn::guard("bn_mat_from_pixels", [&] {
        if (out == nullptr || pixels == nullptr) {
            return bn::fail(BN_E_INVALID_ARGUMENT, "bn_mat_from_pixels: null pointer");
        }
        if (width <= 0 || height <= 0 || width > bn::kMaxSide || height > bn::kMaxSide ||
            static_cast<int64_t>(width) * height > bn::kMaxPixels) {
            return bn::failf(BN_E_INVALID_ARGUMENT, "bn_mat_from_pixels: invalid size %dx%d", width, height);
        }
        if (channels != 1 && channels != 3) {
            return bn::failf(BN_E_INVALID_ARGUMENT, "bn_mat_from_pixels: channels must be 1 or 3, not %d", channels);
        }
        const int64_t row = static_cast<int64_t>(width) * channels;
        if (stride < row) {
            return bn::failf(BN_E_INVALID_ARGUMENT, "bn_mat_from_pixels: stride %lld is less than a row (%lld bytes)",
                             static_cast<long long>(stride), static_cast<long long>(row));
        }
        const int64_t needed = stride * (height - 1) + row;
        if (length < needed) {
            return bn::failf(BN_E_INVALID_ARGUMENT,
                             "bn_mat_from_pixels: %lld bytes given, %dx%dx%d needs %lld",
                             static_cast<long long>(length), width, height, channels, static_cast<long long>(needed));
        }
        cv::Mat view(height, width, CV_8UC(channels), const_cast<uint8_t*>(pixels), static_cast<size_t>(stride));
        return bn::publish(view.clone(), out);
    });
}

int32_t bn_mat_clone(const bn_mat* mat, bn_mat** out) {
    return bn::guard("bn_mat_clone", [&] {
        if (int32_t s = bn::require_image(mat, "bn_mat_clone"); s != BN_OK) return s;
        if (out == nullptr) return bn::fail(BN_E_INVALID_ARGUMENT, "bn_mat_clone: out is null");
        return bn::publish(mat->mat.clone(), out);
    });
}

}  // extern "C"
