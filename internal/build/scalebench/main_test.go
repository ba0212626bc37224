package main

import (
	"testing"
	"time"
)

func TestMedianOfAnEvenCountIsTheMeanOfTheMiddleTwo(t *testing.T) {
	for _, c := range []struct {
		in   []time.Duration
		want time.Duration
	}{
		{[]time.Duration{3}, 3},
		{[]time.Duration{4, 2}, 3}, // not the slower of the two
		{[]time.Duration{9, 1, 5}, 5},
		{[]time.Duration{8, 1, 2, 4}, 3},
	} {
		if got := median(append([]time.Duration(nil), c.in...)); got != c.want {
			t.Errorf("median(%v) = %v, want %v", c.in, got, c.want)
		}
	}
}
