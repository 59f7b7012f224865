#include <tracefs.h>
