Напоминание: подпишите договор на курс «{{courseTitle}}» до {{signDeadline}}
