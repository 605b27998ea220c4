"""Benchmark loaders: world / MVBench / TempCompass / open-QA formats and bad input."""

from __future__ import annotations

import json

import pytest

from videoutr.errors import DataFormatError
from videoutr.eval.benchmarks import load_benchmark, resolve_video, split_options


def _write(tmp_path, obj, name="b.json"):
    path = tmp_path / name
    path.write_text(json.dumps(obj))
    return path


@pytest.mark.parametrize("answer, index", [("right", 1), ("B", 1), ("(C)", 2), (0, 0), ("C. up", 2), ("RIGHT", 1)])
def test_world_answers_as_text_letter_or_index(tmp_path, answer, index):
    items = load_benchmark(
        _write(
            tmp_path,
            [
                {
                    "id": "x",
                    "video": "v.mp4",
                    "question": "Q?",
                    "candidates": ["left", "right", "up"],
                    "answer": answer,
                    "task": "direction",
                    "temporal": True,
                }
            ],
        )
    )
    assert items[0].kind == "mcq" and items[0].answer_index == index and items[0].temporal is True


def test_mvbench_style_mapping_and_unique_ids(tmp_path):
    raw = {"action_sequence": [{"video": "a.mp4", "question": "Q", "candidates": ["x", "y"], "answer": "y"}] * 2}
    items = load_benchmark(_write(tmp_path, raw))
    assert [i.task for i in items] == ["action_sequence"] * 2 and items[0].id != items[1].id


def test_tempcompass_multi_choice(tmp_path):
    raw = {"vid1": {"direction": [{"question": "Which way?\nA. left\nB. right", "answer": "B. right"}]}}
    item = load_benchmark(_write(tmp_path, raw))[0]
    assert (item.question, item.candidates, item.answer_index, item.task, item.video) == (
        "Which way?",
        ["left", "right"],
        1,
        "direction",
        "vid1",
    )
    assert split_options("Q\n(A) x\n(B) y") == ("Q", ["x", "y"])


def test_open_qa_formats(tmp_path):
    raw = [
        {"video_name": "v1", "question_id": "q1", "question": "what?", "answer": "dog", "type": "what"},
        {"video_id": "v2", "question": "who?", "answer": ["man", "person"]},
    ]
    items = load_benchmark(_write(tmp_path, raw))
    assert [i.kind for i in items] == ["open", "open"]
    assert items[0].id == "q1" and items[0].task == "what" and items[1].references == ["man", "person"]


@pytest.mark.parametrize(
    "raw, needle",
    [
        ([{"video": "v", "question": "Q", "candidates": ["x", "y"], "answer": "z"}], "not one of the candidates"),
        ([{"video": "v", "question": "Q", "candidates": ["x"], "answer": "x"}], "at least 2"),
        ([{"question": "Q", "candidates": ["x", "y"], "answer": "x"}], "missing 'video'"),
        ([{"video": "v", "candidates": ["x", "y"], "answer": "x"}], "missing 'question'"),
        ([{"video_name": "v", "question": "Q"}], "open-QA item needs"),
        (["just a string"], "expected a JSON object"),
    ],
)
def test_bad_items_name_file_and_index(tmp_path, raw, needle):
    with pytest.raises(DataFormatError, match=needle) as err:
        load_benchmark(_write(tmp_path, raw))
    assert "b.json[0]" in str(err.value)


def test_malformed_json_and_unknown_format(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text("[{")
    with pytest.raises(DataFormatError, match="malformed JSON"):
        load_benchmark(bad)
    with pytest.raises(DataFormatError, match="unknown benchmark format"):
        load_benchmark(_write(tmp_path, []), fmt="nope")


def test_resolve_video_tries_roots_and_suffixes(tmp_path):
    (tmp_path / "r2").mkdir()
    (tmp_path / "r2/clip.mp4").write_bytes(b"x")
    assert resolve_video("clip", [tmp_path / "r1", tmp_path / "r2"]) == tmp_path / "r2/clip.mp4"
    assert resolve_video("gone", [tmp_path]) is None


# Published formats, written here from each benchmark's documented schema.
VIDEOMME_VIDEO = {
    "video_id": "001",
    "duration": "short",
    "domain": "Knowledge",
    "sub_category": "Humanity & History",
    "url": "https://www.youtube.com/watch?v=fFjv93ACGo8",
    "videoID": "fFjv93ACGo8",
}
VIDEOMME_QUESTION = {
    "question_id": "001-1",
    "task_type": "Counting Problem",
    "question": "When demonstrating the Germany modern Christmas tree is initially decorated with "
    "apples, candles and berries, which kind of the decoration has the largest number?",
    "options": ["A. Apples.", "B. Candles.", "C. Berries.", "D. The three kinds are of the same number."],
    "answer": "C",
}


def _check_videomme(items):
    item = items[0]
    assert (item.id, item.video, item.kind, item.task, item.answer_index) == (
        "001-1",
        "fFjv93ACGo8",
        "mcq",
        "Counting Problem",
        2,
    )
    assert item.candidates == ["Apples.", "Candles.", "Berries.", "The three kinds are of the same number."]
    assert item.extra["duration"] == "short" and item.extra["domain"] == "Knowledge"


def test_videomme_json_and_parquet(tmp_path):
    import pyarrow as pa
    import pyarrow.parquet as pq

    _check_videomme(load_benchmark(_write(tmp_path, [{**VIDEOMME_VIDEO, "questions": [VIDEOMME_QUESTION]}])))
    pq.write_table(pa.Table.from_pylist([{**VIDEOMME_VIDEO, **VIDEOMME_QUESTION}]), tmp_path / "test.parquet")
    _check_videomme(load_benchmark(tmp_path / "test.parquet"))
    bad = {**VIDEOMME_QUESTION, "answer": "E"}
    with pytest.raises(DataFormatError, match="question_id 001-1.*not one of the letters ABCD"):
        load_benchmark(_write(tmp_path, [{**VIDEOMME_VIDEO, "questions": [bad]}]))


def test_mvbench_subtask_files_keep_the_subtask_and_bounds(tmp_path):
    folder = tmp_path / "json"
    folder.mkdir()
    (folder / "action_sequence.json").write_text(
        json.dumps(
            [
                {
                    "video": "ZS9XR.mp4",
                    "question": "What did the person do with the table?",
                    "candidates": ["Sat on the table.", "Tidied up the table."],
                    "answer": "Tidied up the table.",
                    "start": 12.1,
                    "end": 19.6,
                }
            ]
        )
    )
    (folder / "object_shuffle.json").write_text(
        json.dumps(
            [
                {
                    "video": "video_9958.mp4",
                    "question": "Where is the hidden object?",
                    "candidates": ["left", "right"],
                    "answer": "left",
                }
            ]
        )
    )
    items = load_benchmark(folder)
    assert [i.task for i in items] == ["action_sequence", "object_shuffle"]
    assert items[0].extra["clip_s"] == [12.1, 19.6] and "clip_s" not in items[1].extra
    assert load_benchmark(folder / "action_sequence.json", "mvbench")[0].task == "action_sequence"
    from videoutr.eval.scoring import generation_prompt

    # lmms-eval's mvbench_doc_to_text with its post_prompt "Only give the best option.\n"
    assert generation_prompt(items[0]) == (
        "Question:What did the person do with the table?\nOption:\n"
        "(A) Sat on the table.\n(B) Tidied up the table.\nOnly give the best option.\n"
    )


def test_clip_bounds_sample_inside_the_clip():
    from videoutr.models.sampling import FramePolicy, clip_indices

    indices = clip_indices(300, 30.0, FramePolicy(num_frames=4), (2.0, 4.0))
    assert indices == [60, 80, 100, 120]


def test_tempcompass_four_tasks(tmp_path):
    raw = {
        "1025.mp4".removesuffix(".mp4"): {
            "direction": [
                {"question": "Is the car moving left?", "answer": "no"},
                {
                    "question": "Which caption matches the video better?\nCaption A: The car moves left.\n"
                    "Caption B: The car moves right.",
                    "answer": "Caption B: The car moves right.",
                },
                {"question": "Which way?\nA. left\nB. right", "answer": "B. right"},
                {"question": "Describe the direction of the car."},
            ]
        }
    }
    yes_no, matching, multi, captioning = load_benchmark(_write(tmp_path, raw))
    assert (yes_no.candidates, yes_no.answer_index) == (["yes", "no"], 1)
    assert (matching.question, matching.candidates, matching.answer_index) == (
        "Which caption matches the video better?",
        ["The car moves left.", "The car moves right."],
        1,
    )
    assert (multi.candidates, multi.answer_index, multi.task) == (["left", "right"], 1, "direction")
    assert captioning.kind == "open" and captioning.extra["judge_only"] and captioning.references == []
    bad = {"1025": {"direction": [{"question": "Pick\nCaption A: x\nCaption B: y", "answer": "Caption C: z"}]}}
    with pytest.raises(DataFormatError, match="1025/direction\\[0\\].*not one of the captions"):
        load_benchmark(_write(tmp_path, bad))


def test_open_qa_original_id_schemes(tmp_path):
    (tmp_path / "video7010.mp4").write_bytes(b"x")  # MSRVTT-QA: video_id 7010
    (tmp_path / "-4wsuPCjDBc_5_15.avi").write_bytes(b"x")  # MSVD-QA: vid1 via youtube_mapping.txt
    (tmp_path / "youtube_mapping.txt").write_text("-4wsuPCjDBc_5_15 vid1\n")
    (tmp_path / "v_QOlSCBRmfWY.mp4").write_bytes(b"x")  # ActivityNet-QA names without v_
    assert resolve_video("7010", [tmp_path]).name == "video7010.mp4"
    assert resolve_video("1", [tmp_path]).name == "-4wsuPCjDBc_5_15.avi"
    assert resolve_video("QOlSCBRmfWY", [tmp_path]).name == "v_QOlSCBRmfWY.mp4"
    items = load_benchmark(_write(tmp_path, [{"answer": "dog", "id": 0, "question": "what runs?", "video_id": 7010}]))
    assert items[0].video == "7010" and resolve_video(items[0].video, [tmp_path]) is not None


def test_generation_accuracy_has_both_denominators():
    from videoutr.eval.results import summarise

    records = [
        {"condition": "full", "kind": "mcq", "task": "t", "pred_generate": p, "correct_generate": c}
        for p, c in ((0, 1), (1, 0), (None, 0), (2, 1))
    ]
    overall = summarise(records)["conditions"]["full"]["overall"]
    assert overall["accuracy_generate"] == 0.5 and overall["answered_generate"] == 3
    assert overall["accuracy_generate_answered"] == pytest.approx(2 / 3)


def test_nextqa_csv_and_perceptiontest_json(tmp_path):
    (tmp_path / "val.csv").write_text(
        "video,frame_count,width,height,question,answer,qid,type,a0,a1,a2,a3,a4\n"
        "4010069381,369,640,480,how do the two man play the instrument,0,6,CH,roll the handle,tap their feet,"
        "strum the string,hit with sticks,pat with hand\n"
    )
    (tmp_path / "map_vid_vidorID.json").write_text(json.dumps({"4010069381": "1103/4010069381"}))
    (tmp_path / "1103").mkdir()
    (tmp_path / "1103" / "4010069381.mp4").write_bytes(b"x")
    item = load_benchmark(tmp_path / "val.csv")[0]
    assert (item.id, item.task, item.answer_index, len(item.candidates)) == ("4010069381_6", "CH", 0, 5)
    assert resolve_video(item.video, [tmp_path]) == tmp_path / "1103" / "4010069381.mp4"
    raw = {
        "video_10909": {
            "mc_question": [
                {
                    "id": 0,
                    "question": "What is the person doing?",
                    "options": ["cooking", "cleaning", "reading"],
                    "answer_id": 1,
                    "area": "semantics",
                    "tag": ["action"],
                }
            ]
        }
    }
    item = load_benchmark(_write(tmp_path, raw))[0]
    assert (item.video, item.candidates[item.answer_index], item.task) == ("video_10909", "cleaning", "semantics")
    raw["video_10909"]["mc_question"][0]["answer_id"] = 3
    with pytest.raises(DataFormatError, match="video_10909/mc_question\\[0\\].*answer_id 3"):
        load_benchmark(_write(tmp_path, raw))
