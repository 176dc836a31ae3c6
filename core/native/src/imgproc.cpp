// Geometric and photometric operations. Each returns a new continuous image; sources are never modified
// (except bn_paste, which writes into dst).
#include "internal.hpp"

#include <opencv2/imgproc.hpp>

#include <algorithm>

namespace {

bool valid_size(int32_t width, int32_t height) {
    return width > 0 && height > 0 && width <= bn::kMaxSide && height <= bn::kMaxSide &&
           static_cast<int64_t>(width) * height <= bn::kMaxPixels;
}

const cv::Mat& grey_of(const cv::Mat& src, cv::Mat& storage) {
    if (src.channels() == 1) return src;
    cv::cvtColor(src, storage, cv::COLOR_BGR2GRAY);
    return storage;
}

}  // namespace

extern "C" {

int32_t bn_resize(const bn_mat* src, int32_t width, int32_t height, int32_t interpolation, bn_mat** out) {
    return bn::guard("bn_resize", [&] {
        if (int32_t s = bn::require_image(src, "bn_resize"); s != BN_OK) return s;
        if (out == nullptr) return bn::fail(BN_E_INVALID_ARGUMENT, "bn_resize: out is null");
        if (!valid_size(width, height)) {
            return bn::failf(BN_E_INVALID_ARGUMENT, "bn_resize: invalid target size %dx%d", width, height);
        }
        if (interpolation < BN_INTER_NEAREST || interpolation > BN_INTER_AREA) {
            return bn::failf(BN_E_INVALID_ARGUMENT, "bn_resize: unknown interpolation %d", interpolation);
        }
        cv::Mat dst;
        cv::resize(src->mat, dst, cv::Size(width, height), 0, 0, interpolation);
        return bn::publish(std::move(dst), out);
    });
}

int32_t bn_convert_color(const bn_mat* src, int32_t conversion, bn_mat** out) {
    return bn::guard("bn_convert_color", [&] {
        if (int32_t s = bn::require_image(src, "bn_convert_color"); s != BN_OK) return s;
        if (out == nullptr) return bn::fail(BN_E_INVALID_ARGUMENT, "bn_convert_color: out is null");
        const int channels = src->mat.channels();
        int code;
        switch (conversion) {
            case BN_COLOR_BGR2RGB:
                if (channels != 3) return bn::fail(BN_E_INVALID_ARGUMENT, "bn_convert_color: BGR to RGB needs 3 channels");
                code = cv::COLOR_BGR2RGB;
                break;
            case BN_COLOR_BGR2GRAY:
                if (channels == 1) return bn::publish(src->mat.clone(), out);
                code = cv::COLOR_BGR2GRAY;
                break;
            case BN_COLOR_GRAY2BGR:
                if (channels == 3) return bn::publish(src->mat.clone(), out);
                code = cv::COLOR_GRAY2BGR;
                break;
            default:
                return bn::failf(BN_E_INVALID_ARGUMENT, "bn_convert_color: unknown conversion %d", conversion);
        }
        cv::Mat dst;
        cv::cvtColor(src->mat, dst, code);
        return bn::publish(std::move(dst), out);
    });
}

int32_t bn_crop(const bn_mat* src, int32_t x, int32_t y, int32_t width, int32_t height, bn_mat** out) {
    return bn::guard("bn_crop", [&] {
        if (int32_t s = bn::require_image(src, "bn_crop"); s != BN_OK) return s;
        if (out == nullptr) return bn::fail(BN_E_INVALID_ARGUMENT, "bn_crop: out is null");
        // 64-bit arithmetic: x + width must not overflow.
        const int64_t x0 = std::max<int64_t>(x, 0), y0 = std::max<int64_t>(y, 0);
        const int64_t x1 = std::min<int64_t>(int64_t{x} + width, src->mat.cols);
        const int64_t y1 = std::min<int64_t>(int64_t{y} + height, src->mat.rows);
        if (width <= 0 || height <= 0 || x1 <= x0 || y1 <= y0) {
            return bn::failf(BN_E_INVALID_ARGUMENT,
                             "bn_crop: rectangle (x=%d, y=%d, %dx%d) does not overlap the %dx%d image", x, y, width,
                             height, src->mat.cols, src->mat.rows);
        }
        const cv::Rect roi(static_cast<int>(x0), static_cast<int>(y0), static_cast<int>(x1 - x0),
                           static_cast<int>(y1 - y0));
        return bn::publish(src->mat(roi).clone(), out);
    });
}

int32_t bn_flip(const bn_mat* src, int32_t flip_code, bn_mat** out) {
    return bn::guard("bn_flip", [&] {
        if (int32_t s = bn::require_image(src, "bn_flip"); s != BN_OK) return s;
        if (out == nullptr) return bn::fail(BN_E_INVALID_ARGUMENT, "bn_flip: out is null");
        if (flip_code < -1 || flip_code > 1) {
            return bn::failf(BN_E_INVALID_ARGUMENT, "bn_flip: flip code must be -1, 0 or 1, not %d", flip_code);
        }
        cv::Mat dst;
        cv::flip(src->mat, dst, flip_code);
        return bn::publish(std::move(dst), out);
    });
}

int32_t bn_warp_affine(const bn_mat* src, const double* m2x3, int32_t width, int32_t height, bn_mat** out) {
    return bn::guard("bn_warp_affine", [&] {
        if (int32_t s = bn::require_image(src, "bn_warp_affine"); s != BN_OK) return s;
        if (out == nullptr || m2x3 == nullptr) return bn::fail(BN_E_INVALID_ARGUMENT, "bn_warp_affine: null pointer");
        if (!valid_size(width, height)) {
            return bn::failf(BN_E_INVALID_ARGUMENT, "bn_warp_affine: invalid target size %dx%d", width, height);
        }
        for (int i = 0; i < 6; ++i) {
            if (!std::isfinite(m2x3[i])) {
                return bn::fail(BN_E_INVALID_ARGUMENT, "bn_warp_affine: the matrix contains NaN or infinity");
            }
        }
        const cv::Mat m(2, 3, CV_64F, const_cast<double*>(m2x3));
        cv::Mat dst;
        cv::warpAffine(src->mat, dst, m, cv::Size(width, height), cv::INTER_LINEAR, cv::BORDER_CONSTANT,
                       cv::Scalar::all(0));
        return bn::publish(std::move(dst), out);
    });
}

int32_t bn_laplacian_variance(const bn_mat* src, double* out) {
    return bn::guard("bn_laplacian_variance", [&] {
        if (int32_t s = bn::require_image(src, "bn_laplacian_variance"); s != BN_OK) return s;
        if (out == nullptr) return bn::fail(BN_E_INVALID_ARGUMENT, "bn_laplacian_variance: out is null");
        cv::Mat storage, laplacian;
        cv::Laplacian(grey_of(src->mat, storage), laplacian, CV_64F, 1);
        cv::Scalar mean, stddev;
        cv::meanStdDev(laplacian, mean, stddev);
        *out = stddev[0] * stddev[0];
        return BN_OK;
    });
}

int32_t bn_mean_brightness(const bn_mat* src, double* out) {
    return bn::guard("bn_mean_brightness", [&] {
        if (int32_t s = bn::require_image(src, "bn_mean_brightness"); s != BN_OK) return s;
        if (out == nullptr) return bn::fail(BN_E_INVALID_ARGUMENT, "bn_mean_brightness: out is null");
        cv::Mat storage;
        *out = cv::mean(grey_of(src->mat, storage))[0];
        return BN_OK;
    });
}

int32_t bn_paste(bn_mat* dst, const bn_mat* src, int32_t x, int32_t y) {
    return bn::guard("bn_paste", [&] {
        if (int32_t s = bn::require_image(dst, "bn_paste"); s != BN_OK) return s;
        if (int32_t s = bn::require_image(src, "bn_paste"); s != BN_OK) return s;
        cv::Mat source = src->mat;
        if (source.channels() != dst->mat.channels()) {
            cv::cvtColor(src->mat, source, source.channels() == 1 ? cv::COLOR_GRAY2BGR : cv::COLOR_BGR2GRAY);
        }
        const int64_t x0 = std::max<int64_t>(x, 0), y0 = std::max<int64_t>(y, 0);
        const int64_t x1 = std::min<int64_t>(int64_t{x} + source.cols, dst->mat.cols);
        const int64_t y1 = std::min<int64_t>(int64_t{y} + source.rows, dst->mat.rows);
        if (x1 <= x0 || y1 <= y0) return BN_OK;  // entirely outside: nothing to draw
        const cv::Rect to(static_cast<int>(x0), static_cast<int>(y0), static_cast<int>(x1 - x0), static_cast<int>(y1 - y0));
        const cv::Rect from(static_cast<int>(x0 - x), static_cast<int>(y0 - y), to.width, to.height);
        source(from).copyTo(dst->mat(to));
        return BN_OK;
    });
}

}  // extern "C"
