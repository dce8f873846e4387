package actions

import (
	"errors"
	"reflect"
	"sync/atomic"
	"testing"
)

func TestMapBounded(t *testing.T) {
	var running, most atomic.Int32
	double := func(n int) (int, error) {
		now := running.Add(1)
		defer running.Add(-1)
		for m := most.Load(); now > m && !most.CompareAndSwap(m, now); m = most.Load() {
		}
		if n < 0 {
			return 0, errors.New("negative")
		}
		return 2 * n, nil
	}

	got, err := mapBounded([]int{1, 2, 3, 4, 5, 6, 7, 8, 9}, 3, double)
	if err != nil || !reflect.DeepEqual(got, []int{2, 4, 6, 8, 10, 12, 14, 16, 18}) {
		t.Fatalf("mapBounded = %v, %v", got, err)
	}
	if most.Load() > 3 {
		t.Errorf("%d calls ran at once, want at most 3", most.Load())
	}

	if _, err := mapBounded([]int{1, -1, 2}, 2, double); err == nil {
		t.Error("an error from one item was lost")
	}
}
