// QR code detection (cv::QRCodeDetector), decoding (WeChat QR decoder from contrib) and encoding (cv::QRCodeEncoder, OpenCV >= 4.5.4).
#include "internal.hpp"

#include <opencv2/imgproc.hpp>
#include <opencv2/objdetect.hpp>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include <opencv2/wechat_qrcode.hpp>

namespace {

// The contrib WeChat QR decoder without its CNN models (the built-in zxing-derived detector/decoder is used).
class WeChatDecoder {
public:

    // First decoded text and its corner points (4x2 float) if any.
    bool decode(const cv::Mat& image, std::string& text, std::vector<cv::Point2f>& corners) {
        std::vector<cv::Mat> points;
        const std::vector<std::string> texts = decoder_.detectAndDecode(image, points);
        for (size_t i = 0; i < texts.size(); ++i) {
            if (texts[i].empty()) continue;
            text = texts[i];
            corners.clear();
            if (i < points.size() && points[i].total() == 8) {
                cv::Mat p;
                points[i].convertTo(p, CV_32F);
                p = p.reshape(1, 4);
                for (int k = 0; k < 4; ++k) corners.emplace_back(p.at<float>(k, 0), p.at<float>(k, 1));
            }
            return true;
        }
        return false;
    }

private:
    cv::wechat_qrcode::WeChatQRCode decoder_;
};

}  // namespace

struct bn_qr_detector {
    cv::QRCodeDetector detector;
    WeChatDecoder wechat;

    // Locates with cv::QRCodeDetector (precise corners) and decodes with the WeChat decoder: first inside a
    // margin around the located code (fast, little clutter), then over the whole image.
    bool decode(const cv::Mat& image, bool located, const std::vector<cv::Point2f>& located_corners,
                std::string& text, std::vector<cv::Point2f>& corners) {
        if (located) {
            cv::Rect box = cv::boundingRect(located_corners);
            const int margin = std::max(box.width, box.height) / 4 + 8;
            box = cv::Rect(box.x - margin, box.y - margin, box.width + 2 * margin, box.height + 2 * margin) &
                  cv::Rect(0, 0, image.cols, image.rows);
            std::vector<cv::Point2f> ignored;
            if (box.width > 20 && box.height > 20 && wechat.decode(image(box), text, ignored)) {
                corners = located_corners;
                return true;
            }
        }
        std::vector<cv::Point2f> found;
        if (wechat.decode(image, text, found)) {
            corners = located ? located_corners : found;
            return corners.size() == 4;
        }
        return false;
    }
};

extern "C" {

int32_t bn_qr_detector_create(bn_qr_detector** out) {
    return bn::guard("bn_qr_detector_create", [&] {
        if (out == nullptr) return bn::fail(BN_E_INVALID_ARGUMENT, "bn_qr_detector_create: out is null");
        *out = new bn_qr_detector();
        return BN_OK;
    });
}

void bn_qr_detector_free(bn_qr_detector* detector) { delete detector; }

int32_t bn_qr_detect_decode(bn_qr_detector* detector, const bn_mat* image, int32_t* found, float* corners8,
                            uint8_t** text, int64_t* text_length) {
    return bn::guard("bn_qr_detect_decode", [&] {
        if (detector == nullptr || found == nullptr || corners8 == nullptr || text == nullptr || text_length == nullptr) {
            return bn::fail(BN_E_INVALID_ARGUMENT, "bn_qr_detect_decode: null pointer");
        }
        if (int32_t s = bn::require_image(image, "bn_qr_detect_decode"); s != BN_OK) return s;
        std::vector<cv::Point2f> located;
        const bool is_located = detector->detector.detect(image->mat, located) && located.size() == 4;
        std::string decoded;
        std::vector<cv::Point2f> corners;
        const bool is_decoded = detector->decode(image->mat, is_located, located, decoded, corners);
        if (!is_located && !is_decoded) {
            *found = 0;
            *text = nullptr;
            *text_length = 0;
            return BN_OK;
        }
        if (!is_decoded) corners = located;
        for (int i = 0; i < 4; ++i) {
            corners8[2 * i] = corners[i].x;
            corners8[2 * i + 1] = corners[i].y;
        }
        *found = 1;
        if (!is_decoded) {
            *text = nullptr;
            *text_length = -1;  // located but not decodable
            return BN_OK;
        }
        auto* copy = static_cast<uint8_t*>(std::malloc(decoded.size() + 1));
        if (copy == nullptr) return bn::fail(BN_E_OUT_OF_MEMORY, "bn_qr_detect_decode: out of memory");
        std::memcpy(copy, decoded.data(), decoded.size());
        copy[decoded.size()] = 0;
        *text = copy;
        *text_length = static_cast<int64_t>(decoded.size());
        return BN_OK;
    });
}

int32_t bn_qr_encode(const uint8_t* text, int32_t text_length, int32_t module_pixels, int32_t correction, bn_mat** out) {
    return bn::guard("bn_qr_encode", [&] {
        if (out == nullptr) return bn::fail(BN_E_INVALID_ARGUMENT, "bn_qr_encode: out is null");
        if (text == nullptr || text_length <= 0) return bn::fail(BN_E_INVALID_ARGUMENT, "bn_qr_encode: empty text");
        if (text_length > 2953) {
            return bn::failf(BN_E_INVALID_ARGUMENT, "bn_qr_encode: %d bytes do not fit in a QR code (max 2953)", text_length);
        }
        if (module_pixels < 1 || module_pixels > 64) {
            return bn::failf(BN_E_INVALID_ARGUMENT, "bn_qr_encode: module size must be 1..64 pixels, not %d", module_pixels);
        }
        if (correction < 0 || correction > 3) {
            return bn::failf(BN_E_INVALID_ARGUMENT, "bn_qr_encode: correction level must be 0..3, not %d", correction);
        }
        cv::QRCodeEncoder::Params params;
        params.correction_level = static_cast<cv::QRCodeEncoder::CorrectionLevel>(correction);
        const auto encoder = cv::QRCodeEncoder::create(params);
        cv::Mat modules;
        encoder->encode(std::string(reinterpret_cast<const char*>(text), static_cast<size_t>(text_length)), modules);
        if (modules.empty()) return bn::fail(BN_E_OPENCV, "bn_qr_encode: the encoder produced no code");
        if (modules.type() != CV_8UC1) modules.convertTo(modules, CV_8U);
        // OpenCV 4.6 leaves a 2-module margin; the QR standard asks for a 4-module quiet zone. Find the symbol's
        // bounding box (dark modules) and re-frame it with exactly 4 white modules on every side.
        cv::Mat dark = modules < 128;
        const cv::Rect symbol = cv::boundingRect(dark);
        if (symbol.empty()) return bn::fail(BN_E_OPENCV, "bn_qr_encode: the encoder produced a blank code");
        cv::Mat framed;
        cv::copyMakeBorder(modules(symbol), framed, 4, 4, 4, 4, cv::BORDER_CONSTANT, cv::Scalar(255));
        cv::Mat scaled;
        cv::resize(framed, scaled, cv::Size(), module_pixels, module_pixels, cv::INTER_NEAREST);
        cv::Mat bgr;
        cv::cvtColor(scaled, bgr, cv::COLOR_GRAY2BGR);
        return bn::publish(std::move(bgr), out);
    });
}

}  // extern "C"
