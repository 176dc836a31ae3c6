// In-place drawing for annotated frames and test videos.
#include "internal.hpp"

#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <string>

namespace {

cv::Scalar colour(const bn_mat* m, uint8_t b, uint8_t g, uint8_t r) {
    if (m->mat.channels() == 1) return cv::Scalar(0.114 * b + 0.587 * g + 0.299 * r);  // BT.601 luma
    return cv::Scalar(b, g, r);
}

int thickness_of(int32_t t) { return t < 0 ? cv::FILLED : std::min(t, 1000); }

}  // namespace

extern "C" {

int32_t bn_draw_rectangle(bn_mat* mat, int32_t x, int32_t y, int32_t width, int32_t height, uint8_t b, uint8_t g,
                          uint8_t r, int32_t thickness) {
    return bn::guard("bn_draw_rectangle", [&] {
        if (int32_t s = bn::require_image(mat, "bn_draw_rectangle"); s != BN_OK) return s;
        if (width <= 0 || height <= 0) return BN_OK;
        cv::rectangle(mat->mat, cv::Rect(x, y, width, height), colour(mat, b, g, r), thickness_of(thickness),
                      cv::LINE_8);
        return BN_OK;
    });
}

int32_t bn_draw_circle(bn_mat* mat, int32_t cx, int32_t cy, int32_t radius, uint8_t b, uint8_t g, uint8_t r,
                       int32_t thickness) {
    return bn::guard("bn_draw_circle", [&] {
        if (int32_t s = bn::require_image(mat, "bn_draw_circle"); s != BN_OK) return s;
        if (radius < 0) return bn::failf(BN_E_INVALID_ARGUMENT, "bn_draw_circle: negative radius %d", radius);
        cv::circle(mat->mat, cv::Point(cx, cy), radius, colour(mat, b, g, r), thickness_of(thickness), cv::LINE_AA);
        return BN_OK;
    });
}

int32_t bn_draw_line(bn_mat* mat, int32_t x1, int32_t y1, int32_t x2, int32_t y2, uint8_t b, uint8_t g, uint8_t r,
                     int32_t thickness) {
    return bn::guard("bn_draw_line", [&] {
        if (int32_t s = bn::require_image(mat, "bn_draw_line"); s != BN_OK) return s;
        cv::line(mat->mat, cv::Point(x1, y1), cv::Point(x2, y2), colour(mat, b, g, r),
                 thickness < 1 ? 1 : thickness_of(thickness), cv::LINE_AA);
        return BN_OK;
    });
}

int32_t bn_draw_text(bn_mat* mat, const uint8_t* text, int32_t text_length, int32_t x, int32_t y, double scale,
                     uint8_t b, uint8_t g, uint8_t r, int32_t thickness) {
    return bn::guard("bn_draw_text", [&] {
        if (int32_t s = bn::require_image(mat, "bn_draw_text"); s != BN_OK) return s;
        if (text_length < 0 || (text == nullptr && text_length > 0)) {
            return bn::fail(BN_E_INVALID_ARGUMENT, "bn_draw_text: invalid text");
        }
        if (!(scale > 0 && scale <= 100)) return bn::fail(BN_E_INVALID_ARGUMENT, "bn_draw_text: scale must be in (0, 100]");
        // The Hershey fonts cover printable ASCII only; anything else is drawn as '?'.
        std::string ascii;
        ascii.reserve(static_cast<size_t>(text_length));
        for (int32_t i = 0; i < text_length; ++i) {
            const uint8_t c = text[i];
            if (c >= 0x80 && c < 0xC0) continue;  // UTF-8 continuation byte: one '?' per character
            ascii.push_back(c >= 0x20 && c <= 0x7E ? static_cast<char>(c) : '?');
        }
        cv::putText(mat->mat, ascii, cv::Point(x, y), cv::FONT_HERSHEY_SIMPLEX, scale, colour(mat, b, g, r),
                    thickness < 1 ? 1 : thickness_of(thickness), cv::LINE_AA);
        return BN_OK;
    });
}

}  // extern "C"
